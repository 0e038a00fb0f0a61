"""Runbook revisions on SQLite (and PostgreSQL when available): one verdict per case and runbook, its
v2 stored with it, and the lineage walked both ways."""

from __future__ import annotations

from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.runbook_revisions import NewRevision, RunbookRevisionRepository
from storage.runbooks import RunbookFields, RunbookRepository


def test_a_revision_is_recorded_once_with_its_next_version_and_the_lineage_reads_both_ways(
    any_database_url: str,
) -> None:
    sessions = make_session_factory(make_engine(any_database_url))
    case = CaseRepository(sessions).open_case(
        NewCase("k1", "slash", "C111", "t", "d", "W1", "medium", "investigating"), "diagnose_case"
    )[0]
    runbooks = RunbookRepository(sessions)
    v1 = runbooks.create(RunbookFields(title="Redis OOM", status="active", source="library"))
    repo = RunbookRevisionRepository(sessions)
    new = NewRevision(case.id, v1.id, "runbook_insufficient", "lacked the fix", '["q"]', "rules")
    v2_fields = RunbookFields(title="Redis OOM", status="pending_review", source="generated", parent_id=v1.id)

    first = repo.record(new, v2_fields, version=2)
    again = repo.record(new, v2_fields, version=2)  # a re-run, or a concurrent run that lost the race

    assert again.id == first.id and again.runbook_id == first.runbook_id and first.runbook_id is not None
    assert runbooks.count() == 2, "the losing run's v2 was rolled back with its verdict"
    v2 = runbooks.get(first.runbook_id)
    assert v2 is not None and (v2.parent_id, v2.version) == (v1.id, 2)
    assert repo.waiting_child(v1.id, ("pending_review",)) is not None
    assert [r.id for r in repo.lineage(v1.id)] == [v1.id, v2.id] == [r.id for r in repo.lineage(v2.id)]
    assert list(repo.for_runbooks([v2.id, v1.id])) == [v2.id], "v1 was not drafted from a failure"

    repo.set_rejection(first.id, "not the norm")
    stored = repo.for_case(case.id, v1.id)
    assert stored is not None and stored.rejection_reason == "not the norm"
