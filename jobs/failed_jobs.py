"""Failed jobs kept by RQ: list them with their error and case, and re-enqueue them (jobs are idempotent)."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from jobs.queue import QUEUE_NAMES, JobQueue

EPOCH = datetime.fromtimestamp(0, UTC)
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout)\b")


@dataclass(frozen=True)
class FailedJob:
    id: str
    job: str
    queue: str
    failed_at: datetime | None
    error: str
    case_id: int | None


def _case_of(job: Job) -> int | None:
    """The case a job was about, when its function's first parameter is `case_id`."""
    try:
        parameters = list(inspect.signature(job.func).parameters)
    except (AttributeError, ImportError, ValueError, TypeError):
        return None
    if parameters[:1] == ["case_id"] and job.args:
        return int(job.args[0])
    return None


def _aware(moment: datetime | None) -> datetime | None:
    """RQ stores UTC; older versions hand it back without a zone."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _error_of(job: Job) -> str:
    """The exception line of the job's last traceback (with its message), on one line."""
    result = job.latest_result()
    lines = [line.strip() for line in ((result.exc_string if result else None) or "").splitlines()]
    for n in range(len(lines) - 1, -1, -1):
        if _EXCEPTION_LINE.match(lines[n]):
            return " ".join(line for line in lines[n:] if line)
    return next((line for line in reversed(lines) if line), "(no error recorded)")


def _registries(queue: JobQueue) -> list[FailedJobRegistry]:
    return [queue.queue(name).failed_job_registry for name in QUEUE_NAMES]


def list_failed(
    queue: JobQueue, since: timedelta | None = None, now: datetime | None = None
) -> list[FailedJob]:
    """Failed jobs on every queue, newest first; with `since`, only those that failed that recently."""
    found = []
    for registry in _registries(queue):
        for job_id in registry.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=queue.connection, serializer=registry.serializer)
            except NoSuchJobError:
                continue
            found.append(
                FailedJob(
                    id=job.id,
                    job=str(job.func_name).rsplit(".", 1)[-1],
                    queue=registry.name,
                    failed_at=_aware(job.ended_at),
                    error=_error_of(job),
                    case_id=_case_of(job),
                )
            )
    if since is not None:
        cutoff = (now or datetime.now(UTC)) - since
        found = [f for f in found if f.failed_at is not None and f.failed_at >= cutoff]
    return sorted(found, key=lambda f: f.failed_at or EPOCH, reverse=True)


def retry_failed(queue: JobQueue, job_ids: list[str], dry_run: bool = False) -> list[str]:
    """Put these failed jobs back on their queues; returns the ids requeued (or that would be)."""
    requeued = []
    for registry in _registries(queue):
        kept = set(registry.get_job_ids())
        for job_id in job_ids:
            if job_id not in kept:
                continue
            if not dry_run:
                registry.requeue(job_id)
            requeued.append(job_id)
    return requeued
