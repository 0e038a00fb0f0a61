"""Outbox claims as leases: renewed while the job runs, expired when its worker died, then finished."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import text

from storage.cases import CaseRepository
from storage.db import make_engine, make_session_factory
from storage.outbox import PendingJob
from tests.polling import poll_until
from tests.storage.test_cases_repository import new_case

LEASE = 0.3


def opened(url: str, lease: float = LEASE) -> tuple[CaseRepository, PendingJob]:
    cases = CaseRepository(make_session_factory(make_engine(url)), lease_seconds=lease)
    _, job, _ = cases.open_case(new_case(), "diagnose_case")
    return cases, job


def due(cases: CaseRepository) -> list[str]:
    return [j.job_key for j in cases.unclaimed_jobs(timedelta(0))]


def test_a_lease_that_is_not_renewed_expires_and_the_job_is_due_again(any_database_url: str) -> None:
    cases, job = opened(any_database_url)

    cases.claim_job(job.job_key)
    assert due(cases) == [] and not cases.leases.lease_expired(job.job_key)

    poll_until(lambda: due(cases) == [job.job_key], timeout=5)
    assert cases.leases.lease_expired(job.job_key)


def test_renewing_held_leases_keeps_a_running_job_claimed(any_database_url: str) -> None:
    cases, job = opened(any_database_url, lease=1.0)
    cases.claim_job(job.job_key)
    assert cases.leases.held() == [job.job_key]

    for _ in range(4):  # 2 s in all: twice the lease
        assert cases.leases.renew_held() == 1
        assert due(cases) == []
        _pause(0.5)

    assert due(cases) == []


def test_finished_entries_are_never_due_and_leave_the_backlog(any_database_url: str) -> None:
    cases, job = opened(any_database_url)
    assert cases.leases.oldest_unfinished() is not None
    cases.claim_job(job.job_key)

    assert cases.leases.finish_held() == [job.job_key]

    assert cases.leases.held() == [] and cases.leases.renew_held() == 0
    _pause(LEASE * 2)
    assert due(cases) == []
    assert cases.leases.oldest_unfinished() is None


def test_a_retry_claims_a_finished_entry_again(any_database_url: str) -> None:
    cases, job = opened(any_database_url)
    cases.claim_job(job.job_key)
    cases.leases.finish_held()

    cases.claim_job(job.job_key)

    assert cases.leases.oldest_unfinished() is not None
    poll_until(lambda: due(cases) == [job.job_key], timeout=5)


def test_a_claim_made_before_leases_existed_is_never_taken_for_an_orphan(any_database_url: str) -> None:
    cases, _job = opened(any_database_url)
    with make_engine(any_database_url).begin() as conn:  # claimed_at and nothing else: the old shape
        conn.execute(
            text("UPDATE outbox SET claimed_at = created_at, finished_at = NULL, lease_until = NULL")
        )

    assert due(cases) == []


def _pause(seconds: float) -> None:
    """Let a lease's wall-clock time pass (nothing to poll for: the point is that nothing changes)."""
    threading.Event().wait(seconds)
