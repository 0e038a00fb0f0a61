"""Outbox claims as leases: a running job's entry stays claimed only while its worker renews it."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import OutboxEntry, as_utc, utcnow
from storage.outbox import PendingJob

DEFAULT_LEASE_SECONDS = 15.0


class OutboxLeases:
    """Claims, renewals and completions of outbox entries, and what the sweeper should re-enqueue.

    The keys claimed in this process are remembered until finished, so the worker's heartbeat can
    renew exactly the leases it holds.
    """

    def __init__(self, sessions: sessionmaker[Session], lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self._sessions = sessions
        self.lease_seconds = lease_seconds
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, job_key: str) -> None:
        """Take (or take back, on a retry) the lease of an entry for this process."""
        now = utcnow()
        with self._lock:
            self._held.add(job_key)
        with self._sessions() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.job_key == job_key)
                .values(claimed_at=now, lease_until=self._expiry(now), finished_at=None)
            )
            session.commit()

    def held(self) -> list[str]:
        """The keys this process holds leases on right now."""
        with self._lock:
            return sorted(self._held)

    def renew_held(self) -> int:
        """Push the expiry of every lease this process holds; returns how many entries were renewed."""
        keys = self.held()
        if not keys:
            return 0
        now = utcnow()
        with self._sessions() as session:
            result = session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.job_key.in_(keys), OutboxEntry.finished_at.is_(None))
                .values(lease_until=self._expiry(now))
            )
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def finish_held(self) -> list[str]:
        """Mark every entry this process holds as finished (its job ended, well or not) and let go."""
        with self._lock:
            keys, self._held = sorted(self._held), set()
        if keys:
            with self._sessions() as session:
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.job_key.in_(keys))
                    .values(finished_at=utcnow(), lease_until=None)
                )
                session.commit()
        return keys

    def release_held(self) -> list[str]:
        """Let go of every lease this process holds without finishing (its job failed): due at once."""
        with self._lock:
            keys, self._held = sorted(self._held), set()
        if keys:
            with self._sessions() as session:
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.job_key.in_(keys), OutboxEntry.finished_at.is_(None))
                    .values(lease_until=utcnow())
                )
                session.commit()
        return keys

    def finish(self, job_key: str) -> None:
        """Mark one entry finished (its job is known to have completed elsewhere)."""
        with self._sessions() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.job_key == job_key)
                .values(finished_at=utcnow(), lease_until=None)
            )
            session.commit()

    def due_jobs(self, older_than: timedelta, limit: int = 100) -> list[PendingJob]:
        """Entries to (re-)enqueue: unclaimed past the grace period, or claimed with an expired lease."""
        now = utcnow()
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxEntry)
                .where(
                    OutboxEntry.finished_at.is_(None),
                    or_(
                        (OutboxEntry.claimed_at.is_(None)) & (OutboxEntry.created_at <= now - older_than),
                        OutboxEntry.lease_until < now,
                    ),
                )
                .order_by(OutboxEntry.id)
                .limit(limit)
            ).all()
            return [PendingJob(r.job_key, r.job_name, json.loads(r.args_json), r.team_id or "") for r in rows]

    def lease_expired(self, job_key: str) -> bool:
        """Whether an entry was claimed by a worker that stopped renewing it."""
        with self._sessions() as session:
            lease = session.scalar(select(OutboxEntry.lease_until).where(OutboxEntry.job_key == job_key))
        return lease is not None and as_utc(lease) < utcnow()

    def oldest_unfinished(self) -> datetime | None:
        """When the oldest entry still waiting for (or running) its job was written."""
        with self._sessions() as session:
            oldest = session.scalar(
                select(func.min(OutboxEntry.created_at)).where(OutboxEntry.finished_at.is_(None))
            )
        return as_utc(oldest)

    def _expiry(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.lease_seconds)
