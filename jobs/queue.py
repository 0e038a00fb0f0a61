"""The one enqueue helper: explicit job ids, timeouts, retries and the JSON serializer."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.serializers import JSONSerializer

from storage.cases import PendingJob

log = logging.getLogger(__name__)

QUEUE_NAMES = ("high", "default", "low")


@dataclass(frozen=True)
class JobSpec:
    func: str
    queue: str
    timeout: int


# Job name (as stored in the outbox) -> what to run and where.
JOBS: dict[str, JobSpec] = {
    "diagnose_case": JobSpec("jobs.cases.diagnose_case", "high", 120),
    "answer_in_thread": JobSpec("jobs.cases.answer_in_thread", "high", 120),
}


def redis_connection(url: str) -> Redis:
    """A Redis client that fails fast, so a handler can fall back instead of hanging past 3 s."""
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=30)


class JobQueue:
    """Enqueues outbox jobs on RQ; the same job key never runs twice concurrently."""

    def __init__(self, connection: Redis) -> None:
        self.connection = connection
        self._queues = {
            name: Queue(name, connection=connection, serializer=JSONSerializer) for name in QUEUE_NAMES
        }

    def queue(self, name: str) -> Queue:
        """One of the named queues."""
        return self._queues[name]

    def enqueue(self, job: PendingJob, fresh: bool = False) -> bool:
        """Put a job on its queue; False when an identical job is already queued or kept.

        `fresh` skips RQ's uniqueness script for a job whose outbox row was created just now
        (its id cannot exist yet); this keeps the handler's ack path to one plain enqueue.
        """
        spec = JOBS[job.job_name]
        try:
            self._queues[spec.queue].enqueue(
                spec.func,
                *job.args,
                job_id=job.job_key.replace(":", "-"),
                unique=not fresh,
                job_timeout=spec.timeout,
                retry=Retry(max=3, interval=[2, 10, 30]),
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )
        except DuplicateJobError:
            log.debug("job already queued", extra={"job_key": job.job_key})
            return False
        return True
