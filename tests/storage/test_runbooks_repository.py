"""Runbook rows on SQLite (and PostgreSQL when available)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.runbook_models import RunbookRow
from storage.runbooks import RunbookFields, RunbookRepository
from tests.polling import poll_until


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


def test_an_import_racing_another_process_for_the_same_file_takes_that_row(any_database_url: str) -> None:
    if not any_database_url.startswith("postgresql"):
        pytest.skip("needs a second writer that holds an uncommitted row: PostgreSQL")
    racer = f"fm_racer_{uuid.uuid4().hex[:8]}"
    repo = repo_for(f"{any_database_url}&application_name={racer}")
    other = make_engine(any_database_url)
    with make_session_factory(other)() as first, ThreadPoolExecutor(1) as pool:
        # Another worker loading the library inserted this file and has not committed yet.
        first.add(RunbookRow(**fields().columns(), version=1))
        first.flush()
        ours = pool.submit(repo.upsert_by_path, fields())
        # Ours found nothing and now waits on the unique key the other insert holds.
        with other.connect() as conn:
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = :app AND wait_event_type = 'Lock'"
            )
            poll_until(lambda: conn.execute(waiting, {"app": racer}).scalar_one() == 1, timeout=10)
        first.commit()
        row, outcome = ours.result(timeout=10)

    assert outcome == "unchanged"
    assert repo.count() == 1 and repo.get(row.id) is not None
    other.dispose()


def test_counting_a_suggestion_leaves_the_search_signature_alone(any_database_url: str) -> None:
    repo = repo_for(any_database_url)
    row = repo.create(fields())
    before = repo.signature()

    repo.record_suggestions(7, [(row.id, 0.9)])

    stored = repo.get(row.id)
    assert stored is not None and stored.times_suggested == 1
    assert repo.signature() == before  # searchers need not rebuild: no runbook changed


def test_suggestions_are_recorded_once_and_remember_their_message(any_database_url: str) -> None:
    repo = repo_for(any_database_url)
    row = repo.create(fields())

    assert repo.record_suggestions(7, [(row.id, 0.8)]) is None
    repo.set_suggestion_ts(7, "1700000000.1")
    assert repo.record_suggestions(7, [(row.id, 0.8)]) == "1700000000.1"

    stored = repo.get(row.id)
    assert stored is not None
    assert (stored.times_suggested, stored.times_used, stored.times_worked) == (1, 0, 0)


def test_save_edit_bumps_the_version_once_and_only_while_awaiting_review(any_database_url: str) -> None:
    repo = repo_for(any_database_url)
    draft = repo.create(fields())
    repo.update(draft.id, status="pending_review")
    edit = {"root_cause": "wal sender stuck", "source": "edited", "edited_by": "W2"}
    editable = ("draft", "pending_review")

    outcomes = [repo.save_edit(draft.id, editable, edit), repo.save_edit(draft.id, editable, edit)]
    repo.update(draft.id, status="active")
    late = repo.save_edit(draft.id, editable, {"root_cause": "something else"})

    assert outcomes == ["saved", "unchanged"] and late == "not editable"
    assert repo.save_edit(9999, editable, edit) == "missing"
    stored = repo.get(draft.id)
    assert stored is not None and (stored.version, stored.root_cause, stored.edited_by) == (
        2,
        "wal sender stuck",
        "W2",
    )


def test_an_offer_may_wait_for_its_resolution(any_database_url: str) -> None:
    """A case resolved at its source has no resolution yet: the offer is made without one."""
    sessions = make_session_factory(make_engine(any_database_url))
    new = NewCase(
        dedupe_key="pagerduty:P1",
        source="pagerduty",
        channel_id="C1",
        title="checkout down",
        description="checkout down",
        reporter_id="PagerDuty",
        severity="high",
        status="resolved",
    )
    case, _job, _ = CaseRepository(sessions).open_case(new, "diagnose_case")
    repo = RunbookRepository(sessions)

    offer = repo.ensure_offer(case.id, None, "C1", "1.1")
    repo.update_offer(offer.id, resolution_id=7)

    found = repo.get_offer(case.id)
    assert offer.resolution_id is None and found is not None and found.resolution_id == 7
