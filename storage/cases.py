"""Repository for cases and their messages, with the outbox entry written alongside."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from storage.models import Case, CaseMessage, utcnow
from storage.outbox import PendingJob, insert_with_job
from storage.outbox_leases import DEFAULT_LEASE_SECONDS, OutboxLeases

# Built once: constructing statements per call costs more than SQLite's insert itself.
_CASES = Case.metadata.tables["cases"]
_INSERT_CASE = insert(_CASES).returning(_CASES.c.id)
_INSERT_OUTBOX = insert(Case.metadata.tables["outbox"])


@dataclass(frozen=True)
class NewCase:
    dedupe_key: str
    source: str
    channel_id: str
    title: str
    description: str
    reporter_id: str
    severity: str
    status: str
    service: str | None = None
    root_ts: str | None = None
    reported_severity: str | None = None
    team_id: str | None = None


def team_filter(team_id: str | None) -> ColumnElement[bool]:
    """Cases of one Slack workspace (and those opened before workspaces were told apart); None: all."""
    if not team_id:
        return true()
    return or_(Case.team_id == team_id, Case.team_id.is_(None))


class CaseRepository:
    """All reads and writes of cases, messages and the outbox go through here.

    A repository `scoped` to a workspace reads only that workspace's cases: a job working for team A
    cannot load team B's case by id or by thread.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        team_id: str | None = None,
    ) -> None:
        self._sessions = sessions
        self.leases = OutboxLeases(sessions, lease_seconds)
        self.team_id = team_id

    def scoped(self, team_id: str | None) -> CaseRepository:
        """The same repository, reading only `team_id`'s cases (None or "": every case)."""
        other = CaseRepository(self._sessions, self.leases.lease_seconds, team_id or None)
        other.leases = self.leases
        return other

    def open_case(self, new: NewCase, job_name: str) -> tuple[Case, PendingJob, bool]:
        """Insert a case and its first job; a repeated dedupe key returns the existing case."""
        # Core inserts, not the ORM unit of work: this runs inside Slack's 3-second ack window.
        with self._sessions() as session:
            try:
                now = utcnow()
                values = {**new.__dict__, "created_at": now, "updated_at": now}
                conn = session.connection()
                case_id = conn.execute(_INSERT_CASE, values).scalar_one()
                job = PendingJob(f"{job_name}:{case_id}", job_name, [case_id], new.team_id or "")
                conn.execute(
                    _INSERT_OUTBOX,
                    {
                        "job_key": job.job_key,
                        "job_name": job_name,
                        "args_json": json.dumps(job.args),
                        "created_at": now,
                        "team_id": new.team_id,
                    },
                )
                session.commit()
                return Case(id=case_id, **values), job, True
            except IntegrityError:
                session.rollback()
        existing = self.find_by_dedupe_key(new.dedupe_key)
        if existing is None:  # the conflicting row vanished: a real error, not a duplicate
            raise LookupError(f"case with dedupe key {new.dedupe_key} conflicted but is missing")
        job = PendingJob(f"{job_name}:{existing.id}", job_name, [existing.id], existing.team_id or "")
        return existing, job, False

    def add_message(
        self,
        case_id: int,
        author_id: str,
        text: str,
        slack_ts: str,
        job_name: str,
        addressed: bool = False,
        team_id: str = "",
    ) -> tuple[CaseMessage, PendingJob, bool]:
        """Record a human message in a case thread with the job that answers it; once per Slack ts."""
        with self._sessions() as session:
            message = CaseMessage(
                case_id=case_id, author_id=author_id, text=text, slack_ts=slack_ts, addressed=addressed
            )
            job = insert_with_job(
                session, message, job_name, lambda message_id: [case_id, message_id], team_id
            )
            if job is not None:
                return message, job, True
            found = session.scalars(
                select(CaseMessage).where(CaseMessage.case_id == case_id, CaseMessage.slack_ts == slack_ts)
            ).one()
            return found, PendingJob(f"{job_name}:{found.id}", job_name, [case_id, found.id], team_id), False

    def find_by_dedupe_key(self, key: str) -> Case | None:
        """The case a delivery already created, if any."""
        with self._sessions() as session:
            return session.scalars(select(Case).where(Case.dedupe_key == key)).first()

    def find_by_thread(self, channel_id: str, thread_ts: str) -> Case | None:
        """The case whose root message starts this thread."""
        with self._sessions() as session:
            return session.scalars(
                select(Case).where(
                    Case.channel_id == channel_id, Case.root_ts == thread_ts, team_filter(self.team_id)
                )
            ).first()

    def get(self, case_id: int) -> Case | None:
        """A case with its messages loaded."""
        with self._sessions() as session:
            return session.scalars(
                select(Case)
                .where(Case.id == case_id, team_filter(self.team_id))
                .options(selectinload(Case.messages))
            ).first()

    def update_case(self, case_id: int, **fields: str | None) -> None:
        """Set columns on a case (root_ts, progress_ts, status, diagnosis_json…)."""
        with self._sessions() as session:
            session.execute(update(Case).where(Case.id == case_id).values(**fields, updated_at=utcnow()))
            session.commit()

    def add_bot_message(self, case_id: int, author_id: str, text: str, slack_ts: str) -> None:
        """Record something the bot said in the thread, so the history is complete."""
        with self._sessions() as session:
            session.add(
                CaseMessage(case_id=case_id, author_id=author_id, text=text, slack_ts=slack_ts, from_bot=True)
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()

    def set_reply_ts(self, message_id: int, reply_ts: str) -> None:
        """Remember the bot's answer to a message so a re-run updates it instead of posting again."""
        with self._sessions() as session:
            session.execute(update(CaseMessage).where(CaseMessage.id == message_id).values(reply_ts=reply_ts))
            session.commit()

    def get_message(self, message_id: int) -> CaseMessage | None:
        """One recorded message."""
        with self._sessions() as session:
            return session.get(CaseMessage, message_id)

    def claim_job(self, job_key: str) -> None:
        """Lease an outbox entry for the job now running in this process (see OutboxLeases)."""
        self.leases.claim(job_key)

    def unclaimed_jobs(self, older_than: timedelta, limit: int = 100) -> list[PendingJob]:
        """Outbox entries to (re-)enqueue: never picked up within the grace period, or orphaned."""
        return self.leases.due_jobs(older_than, limit)
