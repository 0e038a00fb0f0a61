"""The runbook library: SQL rows (truth), the Chroma index (derived) and hybrid search over both."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from engine.runbooks.markdown import parse_runbook_markdown
from engine.runbooks.models import (
    Runbook,
    RunbookDraft,
    RunbookSections,
    RunbookSource,
    RunbookStatus,
    parse_ref,
)
from engine.search.components import default_catalog
from engine.search.embedding import Embedder
from engine.search.hybrid import HybridSearcher, SearchDocument, SearchHit, SearchMode
from storage.runbook_models import RunbookRow
from storage.runbooks import RunbookFields, RunbookRepository
from storage.vector_store import ChromaVectorStore

log = logging.getLogger(__name__)

NOT_RUNBOOKS = {"source.md", "readme.md", "license.md", "changelog.md", "contributing.md", "_index.md"}


def runbook_from_row(row: RunbookRow) -> Runbook:
    """The engine's view of a stored runbook."""
    return Runbook(
        id=row.id,
        title=row.title,
        version=row.version,
        status=RunbookStatus(row.status),
        sections=RunbookSections(
            problem_summary=row.problem_summary,
            diagnosis_steps=row.diagnosis_steps,
            root_cause=row.root_cause,
            solution=row.solution,
            prevention=row.prevention,
        ),
        extra=row.extra,
        services=json.loads(row.services_json),
        categories=json.loads(row.categories_json),
        tags=json.loads(row.tags_json),
        severity=row.severity,
        source=RunbookSource(row.source),
        source_path=row.source_path,
        parent_id=row.parent_id,
        author=row.author,
        reviewer=row.reviewer,
        reviewed_at=row.reviewed_at,
        edited_by=row.edited_by,
        case_ref=row.case_ref,
        times_suggested=row.times_suggested,
        times_used=row.times_used,
        times_worked=row.times_worked,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def fields_from_draft(draft: RunbookDraft, case_ref: str | None = None) -> RunbookFields:
    """Column values for a draft."""
    s = draft.sections
    return RunbookFields(
        title=draft.title[:300],
        status=draft.status.value,
        source=draft.source.value,
        problem_summary=s.problem_summary,
        diagnosis_steps=s.diagnosis_steps,
        root_cause=s.root_cause,
        solution=s.solution,
        prevention=s.prevention,
        extra=draft.extra,
        services=draft.services,
        categories=draft.categories,
        tags=draft.tags,
        severity=draft.severity,
        source_path=draft.source_path,
        author=draft.author,
        case_ref=case_ref,
    )


def read_markdown_folder(folder: Path) -> list[RunbookDraft]:
    """Every markdown runbook under a folder, with its path relative to the folder."""
    drafts = []
    for path in sorted(folder.rglob("*.md")):
        if path.name.lower() in NOT_RUNBOOKS or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        draft = parse_runbook_markdown(text, fallback_title=path.stem.replace("-", " ").replace("_", " "))
        drafts.append(draft.model_copy(update={"source_path": path.relative_to(folder).as_posix()}))
    return drafts


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


@dataclass(frozen=True)
class RunbookResult:
    runbook: Runbook
    hit: SearchHit


class RunbookLibrary:
    """Import, index and search runbooks; only active runbooks are searchable."""

    def __init__(
        self,
        repo: RunbookRepository,
        embedder: Embedder | None = None,
        vectors: ChromaVectorStore | None = None,
    ) -> None:
        self.repo = repo
        self.embedder = embedder
        self.vectors = vectors if embedder is not None else None
        self._searcher: HybridSearcher | None = None
        self._signature: tuple[int, str] | None = None

    def import_folder(self, folder: Path, source: RunbookSource = RunbookSource.IMPORTED) -> ImportReport:
        """Create or update one runbook per markdown file (keyed on source and relative path)."""
        report = ImportReport()
        changed: list[int] = []
        for draft in read_markdown_folder(folder):
            fields = fields_from_draft(draft.model_copy(update={"source": source}))
            row, outcome = self.repo.upsert_by_path(fields)
            getattr(report, outcome).append(f"RB-{row.id:04d}")
            if outcome != "unchanged":
                changed.append(row.id)
        self.index_ids(changed)
        log.info("runbooks imported", extra={"folder": folder.name, "result": report.summary()})
        return report

    def ensure_library(self, folder: Path) -> ImportReport | None:
        """Load the shipped library on first start (when no library runbook exists yet)."""
        if not folder.is_dir() or self.repo.list_by_source(RunbookSource.LIBRARY.value):
            return None
        return self.import_folder(folder, RunbookSource.LIBRARY)

    def index_ids(self, ids: list[int]) -> None:
        """Bring these runbooks' vectors in line with SQL: active ones upserted, others removed."""
        if self.vectors is None or not ids:
            return
        rows = self.repo.get_many(ids)
        active = [runbook_from_row(r) for r in rows if r.status == RunbookStatus.ACTIVE.value]
        self.vectors.upsert([str(r.id) for r in active], [r.search_text() for r in active])
        self.vectors.delete([str(r.id) for r in rows if r.status != RunbookStatus.ACTIVE.value])

    def reindex(self) -> int:
        """Rebuild the vector index from SQL; returns how many runbooks are indexed."""
        active = [runbook_from_row(r) for r in self.repo.find((RunbookStatus.ACTIVE.value,))]
        if self.vectors is not None:
            self.vectors.clear()
            self.vectors.upsert([str(r.id) for r in active], [r.search_text() for r in active])
        self._signature = None
        return len(active)

    def searcher(self) -> HybridSearcher:
        """The in-memory searcher, rebuilt when any runbook changed since it was built."""
        signature = self.repo.signature()
        if self._searcher is None or signature != self._signature:
            rows = self.repo.find((RunbookStatus.ACTIVE.value,))
            docs = [
                SearchDocument(str(r.id), runbook_from_row(r).search_text(), r.times_used, r.times_worked)
                for r in rows
            ]
            self._searcher = HybridSearcher(docs, self.embedder, self.vectors, catalog=default_catalog())
            self._signature = signature
        return self._searcher

    def search(self, query: str, k: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[RunbookResult]:
        """The best active runbooks for a query, with their scores."""
        hits = self.searcher().search(query, k=k, mode=mode)
        rows = {r.id: r for r in self.repo.get_many([int(h.id) for h in hits])}
        return [RunbookResult(runbook_from_row(rows[int(h.id)]), h) for h in hits if int(h.id) in rows]

    def get(self, ref: str | int) -> Runbook | None:
        """A runbook by RB-0042, 42 or id."""
        runbook_id = ref if isinstance(ref, int) else parse_ref(ref)
        row = self.repo.get(runbook_id) if runbook_id is not None else None
        return runbook_from_row(row) if row else None
