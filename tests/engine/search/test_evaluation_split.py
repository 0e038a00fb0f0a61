"""Query sets without a split are halved deterministically, by kind, with role-named reports marked."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from engine.search.evaluation import load_queries


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _symptoms(count: int) -> list[dict[str, str]]:
    queries = ["kubelet stopped posting status on worker-{n}", "the node agent on worker-{n} went quiet"]
    rows = []
    for n in range(count):
        query = queries[n % 2].format(n=n)
        rows.append({"id": f"s-{n:03d}", "query": query, "expected_runbook": "x.md", "style": "symptom"})
    return rows


def test_unsplit_queries_get_half_dev_half_test_within_each_kind(tmp_path: Path) -> None:
    queries = load_queries(_write(tmp_path / "q.jsonl", _symptoms(40)))

    counts = Counter((q.split, q.kind) for q in queries)
    assert counts == {
        ("dev", "symptom-named"): 10,
        ("test", "symptom-named"): 10,
        ("dev", "symptom-role"): 10,
        ("test", "symptom-role"): 10,
    }


def test_the_split_does_not_depend_on_line_order(tmp_path: Path) -> None:
    rows = _symptoms(30)
    forward = load_queries(_write(tmp_path / "a.jsonl", rows), "dev")
    backward = load_queries(_write(tmp_path / "b.jsonl", rows[::-1]), "dev")

    assert sorted(q.id for q in forward) == sorted(q.id for q in backward)


def test_queries_with_a_split_keep_it(tmp_path: Path) -> None:
    rows = [{"id": "p-1", "query": "redis oom", "expected_runbook": "r.md", "split": "test"}]

    (query,) = load_queries(_write(tmp_path / "q.jsonl", rows))
    assert (query.split, query.kind) == ("test", "paraphrase")
