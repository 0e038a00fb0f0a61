"""The case repository on SQLite, and on PostgreSQL when one answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect

from storage.case_history import CaseHistoryReader
from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.home_items import HomeItemsReader
from storage.migrate import upgrade
from storage.team_stats import TeamStatsReader


def repo(url: str) -> CaseRepository:
    return CaseRepository(make_session_factory(make_engine(url)))


def new_case(key: str = "slash:1") -> NewCase:
    return NewCase(
        dedupe_key=key,
        source="slash",
        channel_id="C1",
        title="disk full",
        description="disk full on db-1",
        reporter_id="W1",
        severity="high",
        status="investigating",
    )


def test_migrations_create_every_table(any_database_url: str) -> None:
    tables = set(inspect(make_engine(any_database_url)).get_table_names())

    assert {"cases", "case_messages", "outbox", "alembic_version"} <= tables


def test_open_case_writes_case_and_outbox_job_together(any_database_url: str) -> None:
    cases = repo(any_database_url)

    case, job, created = cases.open_case(new_case(), "diagnose_case")

    assert created and case.ref == f"FM-{case.id}"
    assert (job.job_key, job.args) == (f"diagnose_case:{case.id}", [case.id])
    assert [j.job_key for j in cases.unclaimed_jobs(timedelta(0))] == [job.job_key]


def test_same_dedupe_key_returns_the_existing_case(any_database_url: str) -> None:
    cases = repo(any_database_url)
    first, _, _ = cases.open_case(new_case("event:Ev1"), "diagnose_case")

    again, _, created = cases.open_case(new_case("event:Ev1"), "diagnose_case")

    assert not created and again.id == first.id
    assert len(cases.unclaimed_jobs(timedelta(0))) == 1


def test_message_is_recorded_once_per_slack_ts(any_database_url: str) -> None:
    cases = repo(any_database_url)
    case, _, _ = cases.open_case(new_case(), "diagnose_case")

    _, _, first = cases.add_message(case.id, "W2", "still broken", "1.1", "answer_in_thread")
    _, _, second = cases.add_message(case.id, "W2", "still broken", "1.1", "answer_in_thread")

    loaded = cases.get(case.id)
    assert (first, second) == (True, False)
    assert loaded is not None and [m.text for m in loaded.messages] == ["still broken"]


def test_claimed_jobs_are_not_swept_again(any_database_url: str) -> None:
    cases = repo(any_database_url)
    _, job, _ = cases.open_case(new_case(), "diagnose_case")

    cases.claim_job(job.job_key)

    assert cases.unclaimed_jobs(timedelta(0)) == []


def test_thread_lookup_finds_case_by_root_ts(any_database_url: str) -> None:
    cases = repo(any_database_url)
    case, _, _ = cases.open_case(new_case(), "diagnose_case")
    cases.update_case(case.id, root_ts="1700.1")

    found = cases.find_by_thread("C1", "1700.1")

    assert found is not None and found.id == case.id
    assert cases.find_by_thread("C2", "1700.1") is None


def test_concurrent_migrations_on_a_fresh_database_both_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(upgrade, [url, url]))

    assert results == [None, None]
    assert "cases" in inspect(make_engine(url)).get_table_names()


def test_a_repository_scoped_to_a_workspace_reads_only_its_cases(any_database_url: str) -> None:
    cases = repo(any_database_url)
    alpha, job, _ = cases.open_case(replace(new_case("slash:a"), team_id="T0ALPHA"), "diagnose_case")
    legacy, _, _ = cases.open_case(new_case("slash:legacy"), "diagnose_case")
    cases.update_case(alpha.id, root_ts="1700.1")
    bravo = cases.scoped("T0BRAVO")

    assert job.team_id == "T0ALPHA" and cases.unclaimed_jobs(timedelta(0))[0].team_id == "T0ALPHA"
    assert bravo.get(alpha.id) is None and bravo.find_by_thread("C1", "1700.1") is None
    assert cases.scoped("T0ALPHA").get(alpha.id) is not None
    # Cases from before workspaces were told apart belong to nobody in particular.
    assert bravo.get(legacy.id) is not None
    history = CaseHistoryReader(make_session_factory(make_engine(any_database_url)))
    assert [c.id for c in history.scoped("T0BRAVO").open_cases("resolved", None)] == [legacy.id]
    assert {c.id for c in history.scoped("T0ALPHA").open_cases("resolved", None)} == {alpha.id, legacy.id}
    sessions = make_session_factory(make_engine(any_database_url))
    stats = TeamStatsReader(sessions).scoped("T0BRAVO")
    assert [r.case.id for r in stats.cases(datetime.now(UTC) - timedelta(days=1))] == [legacy.id]
    assert HomeItemsReader(sessions).scoped("T0BRAVO").open_cases_of("W1", "resolved")[0].id == legacy.id
