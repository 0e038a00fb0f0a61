"""Recording what must not be lost, then enqueueing: the only path from handlers into the system."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import StorageUnavailableError
from engine.models import CaseStatus, Severity
from engine.redaction import redact
from engine.triage import guess_severity, title_from_text
from jobs.queue import JobQueue, OrphanOutcome
from jobs.workspaces.team import current_team
from storage.cases import CaseRepository, NewCase
from storage.outbox import PendingJob

log = logging.getLogger(__name__)


class NewCaseRequest(BaseModel):
    """A problem someone reported, from any surface."""

    dedupe_key: str
    source: str
    channel_id: str
    reporter_id: str
    text: str
    title: str | None = None
    service: str | None = None
    severity: Severity | None = None

    def to_new_case(self, team_id: str = "") -> NewCase:
        """Fill in what the reporter left out (a title, a first severity guess), with secrets masked."""
        description = redact(self.text)
        return NewCase(
            team_id=team_id or None,
            dedupe_key=self.dedupe_key,
            source=self.source,
            channel_id=self.channel_id,
            title=redact(self.title) if self.title else title_from_text(description),
            description=description,
            reporter_id=self.reporter_id,
            severity=(self.severity or guess_severity(self.text)).value,
            reported_severity=self.severity.value if self.severity else None,
            status=CaseStatus.INVESTIGATING.value,
            service=redact(self.service) if self.service else self.service,
        )


@dataclass(frozen=True)
class IntakeResult:
    case_id: int
    case_ref: str
    created: bool
    queued: bool
    masked: bool = False


class Intake:
    """Persists cases and thread messages with their outbox job, then tries to enqueue it."""

    def __init__(self, cases: CaseRepository, queue: JobQueue) -> None:
        self.cases = cases
        self.queue = queue

    def open_case(self, request: NewCaseRequest) -> IntakeResult:
        """Store a new case (once per dedupe key) and schedule its diagnosis."""
        try:
            new = request.to_new_case(current_team())
            case, job, created = self.cases.open_case(new, "diagnose_case")
        except SQLAlchemyError as error:
            raise StorageUnavailableError(
                "I couldn't save this case: the database is unavailable."
            ) from error
        queued = self._enqueue(job) if created else True
        log.info("case opened", extra={"case": case.ref, "case_created": created, "queued": queued})
        # Redaction only ever changes text by masking something: the reporter is told so, once.
        masked = new.description != request.text or new.service != request.service
        masked = masked or (request.title is not None and new.title != request.title)
        return IntakeResult(case.id, case.ref, created, queued, masked)

    def find_case_for_thread(self, channel_id: str, thread_ts: str) -> int | None:
        """The case id whose thread this is, if any (in the workspace being served)."""
        case = self.cases.scoped(current_team()).find_by_thread(channel_id, thread_ts)
        return case.id if case else None

    def record_reply(
        self, case_id: int, author_id: str, text: str, slack_ts: str, addressed: bool = False
    ) -> bool:
        """Store a thread message once (secrets masked) and schedule the worker's look at it.

        False for a redelivery. `addressed`: the message @-mentions the bot (the mention is not in `text`).
        """
        try:
            _message, job, created = self.cases.add_message(
                case_id,
                author_id,
                redact(text),
                slack_ts,
                "answer_in_thread",
                addressed=addressed,
                team_id=current_team(),
            )
        except SQLAlchemyError as error:
            raise StorageUnavailableError(
                "I couldn't save that message: the database is unavailable."
            ) from error
        if created:
            self._enqueue(job)
        return created

    def _enqueue(self, job: PendingJob) -> bool:
        try:
            self.queue.enqueue(job, fresh=True)
        except RedisError:
            # The outbox row is already committed; the worker's sweeper will enqueue it.
            log.warning("redis unavailable, job left in outbox", extra={"job_key": job.job_key})
            return False
        return True


def sweep_outbox(cases: CaseRepository, queue: JobQueue, grace: timedelta = timedelta(seconds=5)) -> int:
    """Enqueue jobs stored but never picked up (Redis was down) or orphaned (their worker died)."""
    count = 0
    for job in cases.unclaimed_jobs(older_than=grace):
        if not cases.leases.lease_expired(job.job_key):
            count += queue.enqueue(job)
            continue
        outcome = queue.enqueue_orphan(job, hold_seconds=max(cases.leases.lease_seconds, 1.0))
        if outcome is OrphanOutcome.ALREADY_DONE:
            cases.leases.finish(job.job_key)
        count += outcome is OrphanOutcome.ENQUEUED
    if count:
        log.info("outbox sweep enqueued jobs", extra={"count": count})
    return count
