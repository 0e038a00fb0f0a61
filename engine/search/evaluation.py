"""Retrieval metrics for `faultmaven eval search`: recall@1/3/5, MRR and latency per method and slice."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from engine.search.components import ComponentCatalog, default_catalog
from engine.search.hybrid import HybridSearcher, SearchMode

CUTOFFS = (1, 3, 5)


class EvalQuery(BaseModel):
    id: str
    query: str
    expected_runbook: str
    kind: str = "paraphrase"
    split: str = "dev"
    # Shared datasets say `style` instead of `kind` and carry no split (see `label_unsplit`).
    style: str | None = None


def load_queries(
    path: Path, split: str | None = None, catalog: ComponentCatalog | None = None
) -> list[EvalQuery]:
    """One JSON object per non-empty line; only those of `split` (dev, test) when given."""
    lines = path.read_text(encoding="utf-8").splitlines()
    raw = [EvalQuery.model_validate_json(line) for line in lines if line.strip()]
    unsplit = not any("split" in q.model_fields_set for q in raw)
    queries = label_unsplit(raw, catalog or default_catalog()) if unsplit else raw
    return [q for q in queries if split is None or q.split == split]


def label_unsplit(queries: list[EvalQuery], catalog: ComponentCatalog) -> list[EvalQuery]:
    """Kinds and a deterministic half-and-half dev/test split for a query set that has neither.

    The kind is the style plus "role" when the query names no catalogued component by product
    name or alias (a proxy for "names the component by its role"), else "named". Within each kind,
    queries are ordered by a hash of their id and alternate dev, test, dev, … so both parts hold
    the same mix and the split never changes when lines are reordered.
    """
    labelled = [
        q.model_copy(
            update={"kind": f"{q.style or q.kind}-{'named' if catalog.named_in(q.query) else 'role'}"}
        )
        for q in queries
    ]
    by_kind: dict[str, list[EvalQuery]] = {}
    for q in labelled:
        by_kind.setdefault(q.kind, []).append(q)
    split_of: dict[str, str] = {}
    for group in by_kind.values():
        ordered = sorted(group, key=lambda q: hashlib.sha256(q.id.encode()).hexdigest())
        split_of.update({q.id: ("dev", "test")[n % 2] for n, q in enumerate(ordered)})
    return [q.model_copy(update={"split": split_of[q.id]}) for q in labelled]


@dataclass
class Scores:
    """Accumulated ranks of the expected runbook (None = not in the top 5)."""

    ranks: list[int | None] = field(default_factory=list)

    def recall(self, k: int) -> float:
        """Share of queries whose runbook is in the top k."""
        return sum(1 for r in self.ranks if r is not None and r <= k) / max(len(self.ranks), 1)

    def mrr(self) -> float:
        """Mean reciprocal rank, counting misses beyond the top 5 as 0."""
        return sum(1.0 / r for r in self.ranks if r is not None) / max(len(self.ranks), 1)


@dataclass
class EvalReport:
    # (method, slice) → scores; slices are "all", the kinds, the splits and split/kind.
    scores: dict[tuple[str, str], Scores] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, method: str, query: EvalQuery, rank: int | None) -> None:
        """Record one query's outcome under every slice it belongs to."""
        for part in ("all", query.kind, query.split, f"{query.split}/{query.kind}"):
            self.scores.setdefault((method, part), Scores()).ranks.append(rank)

    def percentile_ms(self, p: float) -> float:
        """Latency percentile of hybrid searches."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def slices(self) -> list[str]:
        """Slices worth a row: all, kinds, splits, split/kind; with one split only, its rows repeat
        "all" and the kinds, so they are left out."""
        parts = sorted({part for _m, part in self.scores}, key=lambda p: (p.count("/"), p))
        splits = {p.split("/")[0] for p in parts if "/" in p}
        if len(splits) == 1:
            (only,) = splits
            parts = [p for p in parts if p != only and not p.startswith(f"{only}/")]
        return parts

    def table(self) -> str:
        """The figures as a plain-text table."""
        parts = self.slices()
        lines = [f"{'slice':<18} {'method':<7} {'n':>4} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'MRR':>6}"]
        for part in parts:
            for method in SearchMode:
                s = self.scores.get((method.value, part))
                if s is None:
                    continue
                lines.append(
                    f"{part:<18} {method.value:<7} {len(s.ranks):>4} {s.recall(1):>6.3f} {s.recall(3):>6.3f} "
                    f"{s.recall(5):>6.3f} {s.mrr():>6.3f}"
                )
        lines.append(
            f"hybrid search latency: p50 {self.percentile_ms(50):.1f} ms, p95 {self.percentile_ms(95):.1f} ms"
        )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, dict[str, dict[str, float]]]:
        """JSON-able figures: slice → method → metric."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for (method, part), s in self.scores.items():
            out.setdefault(part, {})[method] = {
                "n": len(s.ranks),
                **{f"recall@{k}": round(s.recall(k), 4) for k in CUTOFFS},
                "mrr": round(s.mrr(), 4),
            }
        return out


def evaluate(
    searcher: HybridSearcher, queries: list[EvalQuery], clock: Callable[[], float] = time.perf_counter
) -> EvalReport:
    """Run every query once, rank with each method from the same candidates, and time hybrid."""
    report = EvalReport()
    modes = (
        [SearchMode.BM25, SearchMode.VECTOR, SearchMode.HYBRID] if searcher.has_vectors else [SearchMode.BM25]
    )
    for query in queries:
        started = clock()
        found = searcher.candidates(query.query)
        hybrid = searcher.fuse(found, SearchMode.HYBRID if searcher.has_vectors else SearchMode.BM25, k=5)
        report.latencies_ms.append((clock() - started) * 1000)
        for mode in modes:
            hits = hybrid if mode is SearchMode.HYBRID else searcher.fuse(found, mode, k=5)
            ids = [h.id for h in hits]
            rank = ids.index(query.expected_runbook) + 1 if query.expected_runbook in ids else None
            report.add(mode.value, query, rank)
    return report
