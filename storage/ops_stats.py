"""Operational figures read from SQL at scrape time: outbox backlog age, cases by status."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from storage.models import Case, OutboxEntry


def oldest_unclaimed_job_age_seconds(engine: Engine, now: datetime | None = None) -> float:
    """Seconds since the oldest outbox entry no job has claimed yet was written (0 when none)."""
    with engine.connect() as connection:
        oldest = connection.execute(
            select(func.min(OutboxEntry.created_at)).where(OutboxEntry.claimed_at.is_(None))
        ).scalar_one_or_none()
    if oldest is None:
        return 0.0
    # SQLite hands back naive datetimes; everything we write is UTC.
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, ((now or datetime.now(UTC)) - oldest).total_seconds())


def cases_by_status(engine: Engine) -> dict[str, int]:
    """How many cases are in each status (open, resolved…)."""
    with engine.connect() as connection:
        rows = connection.execute(select(Case.status, func.count()).group_by(Case.status)).all()
    return {str(status): int(count) for status, count in rows}
