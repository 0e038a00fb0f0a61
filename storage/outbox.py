"""Rows written together with the job that must follow them: the outbox pattern in one place."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import OutboxEntry


@dataclass(frozen=True)
class PendingJob:
    job_key: str
    job_name: str
    args: list[str | int]
    # The Slack workspace the job works for ("": the one workspace of a single-workspace install).
    team_id: str = ""


def outbox_entry(job: PendingJob) -> OutboxEntry:
    """The outbox row that makes a job survive a Redis outage."""
    return OutboxEntry(
        job_key=job.job_key,
        job_name=job.job_name,
        args_json=json.dumps(job.args),
        team_id=job.team_id or None,
    )


def insert_with_job(
    session: Session, row: Any, job_name: str, args_for: Callable[[int], list[str | int]], team_id: str = ""
) -> PendingJob | None:
    """Insert a row and its job's outbox entry in one transaction; None when a unique key says it exists."""
    session.add(row)
    try:
        session.flush()
        job = PendingJob(f"{job_name}:{row.id}", job_name, args_for(int(row.id)), team_id)
        session.add(outbox_entry(job))
        session.commit()
        return job
    except IntegrityError:
        session.rollback()
        return None


def record_pending_job(sessions: Callable[[], Session], job: PendingJob) -> bool:
    """Store a job's outbox entry on its own (a click, a form); False when that key was recorded before."""
    with sessions() as session:
        session.add(outbox_entry(job))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
        return True
