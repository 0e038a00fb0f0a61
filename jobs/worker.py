"""The worker runtime: an RQ SimpleWorker with scheduler, plus the outbox sweeper and heartbeat."""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import StopRequested
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy.exc import SQLAlchemyError

from jobs.cases.intake import sweep_outbox
from jobs.heartbeat import Heartbeat
from jobs.metrics import MeasuredWorker
from jobs.pacing import ChannelBusy, yielding_to
from jobs.queue import OUTBOX_KEY, QUEUE_NAMES, TEAM_KEY, YIELDING_FUNCS, JobQueue
from jobs.runtime import JobContext, install_context, working_for
from storage.outbox_leases import OutboxLeases

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 5.0
# A job re-queued for a busy channel this many times fails (into RQ's failed registry) instead.
MAX_CHANNEL_YIELDS = 10_000
# Reconnecting after Redis went away: first wait, and the cap the doubling stops at.
FIRST_RECONNECT_WAIT_SECONDS = 0.5
MAX_RECONNECT_WAIT_SECONDS = 2.0
# After a failed sweep (Redis or the database away), look again this soon: the backlog of an
# outage should start draining within a second of the dependency coming back, not a full period.
RETRY_SWEEP_AFTER_SECONDS = 1.0


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
        pause = self.every
        while not self._halt.wait(pause):
            try:
                swept = self.sweep_once()
            except Exception:
                # A thread that dies stops sweeping for good while the worker runs on: log and go on.
                log.exception("outbox sweep crashed; will retry")
                swept = -1
            pause = self.every if swept >= 0 else min(self.every, RETRY_SWEEP_AFTER_SECONDS)

    def sweep_once(self) -> int:
        """One pass: how many jobs it enqueued, or -1 when an outage stopped it (retried soon)."""
        try:
            return sweep_outbox(self._context.cases, self._queue)
        except (RedisError, SQLAlchemyError) as error:
            log.warning("outbox sweep failed (%s); will retry", type(error).__name__)
            return -1

    def stop(self) -> None:
        self._halt.set()


class YieldingJob(Job):
    """A job that, when its channel is busy (ChannelBusy), asks to be run again rather than sleep.

    The re-run goes straight to the end of its queue, behind the jobs that were waiting (it only
    yields when some are). Not RQ's scheduler: a scheduler thread lost in a Redis outage would leave
    the job parked. A yield is not an error and does not use up the job's retries.
    """

    yielded = False

    def perform(self) -> Any:
        # ChannelBusy only comes from inside `yielding_to`, which the worker opens for YIELDING_FUNCS.
        self.yielded = False
        try:
            return super().perform()
        except ChannelBusy:
            self.yielded = True
            self._result = Retry(max=MAX_CHANNEL_YIELDS)
            return self._result


class LeasingWorker(MeasuredWorker):
    """Leases a job's outbox entry while it runs and marks it finished after; stops only when asked."""

    # RQ's own wait between reconnects while dequeueing doubles up to this (its default is 60 s).
    max_connection_wait_time = MAX_RECONNECT_WAIT_SECONDS

    def __init__(self, queues: list[Queue], connection: Redis, leases: OutboxLeases) -> None:
        super().__init__(queues, connection=connection, serializer=JSONSerializer, job_class=YieldingJob)
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
        team = job.meta.get(TEAM_KEY)
        try:
            # The job works for the workspace it was submitted for: that team's token, its cases only.
            with working_for(team if isinstance(team, str) else ""), self._yielding(job):
                succeeded = bool(super().perform_job(job, queue))
            return succeeded
        finally:
            if succeeded and not getattr(job, "yielded", False):
                self.leases.finish_held()
            else:
                # RQ may have scheduled a retry (that run claims again), given up, or, with Redis
                # gone, recorded nothing at all: the sweeper looks at RQ's record and decides.
                self.leases.release_held()

    def _yielding(self, job: Job) -> AbstractContextManager[None]:
        """Lets a job that may be re-queued give way to other work while its channel is busy."""
        return yielding_to(self.other_work_waiting) if job.func_name in YIELDING_FUNCS else nullcontext()

    def other_work_waiting(self) -> bool:
        """Whether another job is queued for this worker (then a busy channel should not hold it)."""
        return any(queue.count > 0 for queue in self.queues)

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
