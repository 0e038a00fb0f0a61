"""Recording inbound incident events and Slack resolutions, then enqueueing: handlers call only this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import StorageUnavailableError
from engine.redaction import redact, redact_json
from jobs.queue import JobQueue
from storage.incidents import IncidentRepository, NewIncidentEvent
from storage.outbox import PendingJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recorded:
    """What happened to a delivery: stored (and queued, unless Redis was down), or a redelivery."""

    duplicate: bool
    queued: bool


class IncidentIntake:
    """Stores each raw event with its outbox job in one transaction, then tries to enqueue it."""

    def __init__(self, repo: IncidentRepository, queue: JobQueue) -> None:
        self.repo = repo
        self.queue = queue

    def record_event(
        self,
        source: str,
        event_id: str,
        event_type: str,
        external_id: str,
        occurred_at: datetime,
        payload_json: str,
    ) -> Recorded:
        """Store a webhook delivery once (keyed on source + event id) and schedule its processing."""
        # Alert payloads carry annotations, URLs and log excerpts: mask secrets before they are stored.
        # The external id is kept as sent: it correlates later deliveries with this incident.
        event = NewIncidentEvent(
            source, event_id, event_type, external_id, occurred_at, redact_json(payload_json)
        )
        try:
            job = self.repo.record_event(event, "process_incident_event")
        except SQLAlchemyError as error:
            raise StorageUnavailableError("the database is unavailable") from error
        if job is None:
            log.info("incident event redelivered", extra={"source": event.source, "event": event.event_id})
            return Recorded(duplicate=True, queued=False)
        return Recorded(duplicate=False, queued=self._enqueue(job))

    def resolve_from_slack(self, case_id: int, user_id: str, summary: str, slack_ts: str) -> bool:
        """Record `@FaultMaven resolve …` once per message and schedule it; False for a redelivery."""
        try:
            job = self.repo.record_resolution(case_id, user_id, redact(summary), slack_ts, "resolve_case")
        except SQLAlchemyError as error:
            raise StorageUnavailableError(
                "I couldn't save the resolution: the database is unavailable."
            ) from error
        if job is None:
            return False
        self._enqueue(job)
        return True

    def _enqueue(self, job: PendingJob) -> bool:
        try:
            self.queue.enqueue(job, fresh=True)
        except RedisError:
            log.warning("redis unavailable, job left in outbox", extra={"job_key": job.job_key})
            return False
        return True
