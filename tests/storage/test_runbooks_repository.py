"""Runbook rows on SQLite (and PostgreSQL when available)."""

from __future__ import annotations

from storage.db import make_engine, make_session_factory
from storage.runbooks import RunbookFields, RunbookRepository


def repo_for(url: str) -> RunbookRepository:
    return RunbookRepository(make_session_factory(make_engine(url)))


def fields(summary: str = "replica behind") -> RunbookFields:
    return RunbookFields(
        title="Replica lag",
        status="active",
        source="imported",
        problem_summary=summary,
        tags=["postgres"],
        source_path="db/ReplicaLag.md",
    )


def test_upsert_by_path_creates_then_leaves_unchanged_then_bumps_version(any_database_url: str) -> None:
    repo = repo_for(any_database_url)

    row, first = repo.upsert_by_path(fields())
    _same, second = repo.upsert_by_path(fields())
    _changed, third = repo.upsert_by_path(fields("replica far behind"))

    assert (first, second, third) == ("created", "unchanged", "updated")
    stored = repo.get(row.id)
    assert stored is not None and stored.version == 2 and stored.tags_json == '["postgres"]'
    assert repo.count() == 1


def test_suggestions_are_recorded_once_and_remember_their_message(any_database_url: str) -> None:
    repo = repo_for(any_database_url)
    row = repo.create(fields())

    assert repo.record_suggestions(7, [(row.id, 0.8)]) is None
    repo.set_suggestion_ts(7, "1700000000.1")
    assert repo.record_suggestions(7, [(row.id, 0.8)]) == "1700000000.1"
    repo.record_feedback(row.id, worked=True)

    stored = repo.get(row.id)
    assert stored is not None
    assert (stored.times_suggested, stored.times_used, stored.times_worked) == (1, 1, 1)
