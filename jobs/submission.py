"""One road from a click or a form to a job: record it in the SQL outbox, then enqueue it."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from jobs.queue import JobQueue
from jobs.workspaces.team import current_team
from storage.cases import CaseRepository
from storage.outbox import PendingJob, record_pending_job

log = logging.getLogger(__name__)


def safe_key(key: str) -> str:
    """RQ job ids allow letters, digits, '_' and '-'; Slack ids carry dots."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


class JobSubmitter:
    """A Redis outage loses nothing: the outbox row is committed first and the sweeper enqueues it later."""

    def __init__(self, queue: JobQueue, sessions: sessionmaker[Session]) -> None:
        self.queue = queue
        self._sessions = sessions

    def submit(self, job: PendingJob) -> bool:
        """Record and enqueue `job`; False when the same delivery was recorded before (nothing is done).

        A job naming no workspace works for the one being served (the request's or the running job's).
        """
        job = job if job.team_id else replace(job, team_id=current_team())
        if not record_pending_job(self._sessions, job):
            return False
        try:
            self.queue.enqueue(job, fresh=True)
        except RedisError:
            log.warning("redis unavailable, job left in outbox", extra={"job_key": job.job_key})
        return True


def claim_outbox(cases: CaseRepository, outbox_key: str) -> None:
    """Mark a submitted job's outbox entry as picked up, so the sweeper leaves it alone."""
    if outbox_key:
        cases.claim_job(outbox_key)
