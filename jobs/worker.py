"""The worker runtime: an RQ SimpleWorker with scheduler, plus the outbox sweeper and heartbeat."""

from __future__ import annotations

import logging
import threading
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import StopRequested
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy.exc import SQLAlchemyError

from jobs.heartbeat import Heartbeat
from jobs.intake import sweep_outbox
from jobs.metrics import MeasuredWorker
from jobs.queue import OUTBOX_KEY, QUEUE_NAMES, JobQueue
from jobs.runtime import JobContext, install_context
from storage.outbox_leases import OutboxLeases

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 5.0
# Reconnecting after Redis went away: first wait, and the cap the doubling stops at.
FIRST_RECONNECT_WAIT_SECONDS = 0.5
MAX_RECONNECT_WAIT_SECONDS = 5.0


class OutboxSweeper(threading.Thread):
    """Re-enqueues stored-but-unqueued and orphaned jobs every few seconds while the worker runs."""

    def __init__(self, context: JobContext, queue: JobQueue) -> None:
        super().__init__(name="outbox-sweeper", daemon=True)
        self._context = context
        self._queue = queue
        self._halt = threading.Event()
        # An expired lease is noticed within half a lease.
        self.every = min(SWEEP_EVERY_SECONDS, context.cases.leases.lease_seconds / 2)

    def run(self) -> None:
        while not self._halt.wait(self.every):
            try:
                self.sweep_once()
            except Exception:
                # A thread that dies stops sweeping for good while the worker runs on: log and go on.
                log.exception("outbox sweep crashed; will retry")

    def sweep_once(self) -> int:
        """One pass; transient outages are logged and retried on the next pass."""
        try:
            return sweep_outbox(self._context.cases, self._queue)
        except (RedisError, SQLAlchemyError):
            log.warning("outbox sweep failed; will retry", exc_info=True)
            return 0

    def stop(self) -> None:
        self._halt.set()


class LeasingWorker(MeasuredWorker):
    """Leases a job's outbox entry while it runs and marks it finished after; stops only when asked."""

    # RQ's own wait between reconnects while dequeueing doubles up to this (its default is 60 s).
    max_connection_wait_time = MAX_RECONNECT_WAIT_SECONDS

    def __init__(self, queues: list[Queue], connection: Redis, leases: OutboxLeases) -> None:
        super().__init__(queues, connection=connection, serializer=JSONSerializer)
        self.leases = leases
        self.stop_requested = False

    def perform_job(self, job: Job, queue: Queue) -> bool:
        outbox_key = job.meta.get(OUTBOX_KEY)
        if isinstance(outbox_key, str):
            try:
                self.leases.claim(outbox_key)
            except SQLAlchemyError:
                # The job needs the database too; let it run and fail into RQ's retry.
                log.warning("could not lease outbox entry", extra={"job_key": outbox_key}, exc_info=True)
        succeeded = False
        try:
            succeeded = bool(super().perform_job(job, queue))
            return succeeded
        finally:
            if succeeded:
                self.leases.finish_held()
            else:
                # RQ may have scheduled a retry (that run claims again), given up, or, with Redis
                # gone, recorded nothing at all: the sweeper looks at RQ's record and decides.
                self.leases.release_held()

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_requested = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]


def run_worker(
    context: JobContext, queue: JobQueue, burst: bool = False, queues: tuple[str, ...] = QUEUE_NAMES
) -> bool:
    """Process jobs on `queues` (in priority order) until stopped (or until empty with burst).

    When Redis goes away RQ's loop gives up; this one waits (doubling, capped) and starts again, so
    a worker outlives an outage without anything restarting it.
    """
    install_context(context)
    sweeper = OutboxSweeper(context, queue)
    heartbeat = Heartbeat(queue.connection, context.cases.leases)
    sweeper.sweep_once()
    heartbeat.beat_once()
    if not burst:
        sweeper.start()
        heartbeat.start()
    wait = FIRST_RECONNECT_WAIT_SECONDS
    halt = threading.Event()
    worked = False
    try:
        while True:
            # SimpleWorker runs jobs in this process: no fork per job, so a diagnosis starts in ms.
            worker: LeasingWorker | None = None
            try:
                worker = LeasingWorker(
                    [queue.queue(name) for name in queues], queue.connection, context.cases.leases
                )
                worked = worker.work(burst=burst, with_scheduler=True, logging_level="WARNING") or worked
            except RedisError as error:
                log.warning("worker lost Redis (%s)", type(error).__name__)
            if burst or (worker is not None and worker.stop_requested):
                return worked
            # RQ's loop only ends unasked on an error (Redis gone, mostly): wait, then start again.
            log.warning("worker loop ended; restarting in %.1f s", wait)
            halt.wait(wait)
            wait = (
                FIRST_RECONNECT_WAIT_SECONDS
                if _redis_answers(queue.connection)
                else min(wait * 2, MAX_RECONNECT_WAIT_SECONDS)
            )
    except StopRequested:
        # A SIGTERM/SIGINT while waiting to reconnect (RQ's handler is still installed).
        return worked
    finally:
        sweeper.stop()
        heartbeat.stop()


def _redis_answers(redis: Redis) -> bool:
    try:
        return bool(redis.ping())
    except RedisError:
        return False
