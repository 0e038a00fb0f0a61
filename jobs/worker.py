"""The worker runtime: an RQ SimpleWorker with scheduler, plus the outbox sweeper."""

from __future__ import annotations

import logging
import threading

from redis.exceptions import RedisError
from rq.serializers import JSONSerializer
from sqlalchemy.exc import SQLAlchemyError

from jobs.intake import sweep_outbox
from jobs.metrics import MeasuredWorker
from jobs.queue import QUEUE_NAMES, JobQueue
from jobs.runtime import JobContext, install_context

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 5.0


class OutboxSweeper(threading.Thread):
    """Re-enqueues stored-but-unqueued jobs every few seconds while the worker runs."""

    def __init__(self, context: JobContext, queue: JobQueue) -> None:
        super().__init__(name="outbox-sweeper", daemon=True)
        self._context = context
        self._queue = queue
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(SWEEP_EVERY_SECONDS):
            self.sweep_once()

    def sweep_once(self) -> int:
        """One pass; transient outages are logged and retried on the next pass."""
        try:
            return sweep_outbox(self._context.cases, self._queue)
        except (RedisError, SQLAlchemyError):
            log.warning("outbox sweep failed; will retry", exc_info=True)
            return 0

    def stop(self) -> None:
        self._halt.set()


def run_worker(
    context: JobContext, queue: JobQueue, burst: bool = False, queues: tuple[str, ...] = QUEUE_NAMES
) -> bool:
    """Process jobs on `queues` (in priority order) until stopped (or until empty with burst)."""
    install_context(context)
    sweeper = OutboxSweeper(context, queue)
    sweeper.sweep_once()
    if not burst:
        sweeper.start()
    # SimpleWorker runs jobs in this process: no fork per job, so a diagnosis starts in milliseconds.
    worker = MeasuredWorker(
        [queue.queue(name) for name in queues], connection=queue.connection, serializer=JSONSerializer
    )
    try:
        return bool(worker.work(burst=burst, with_scheduler=True, logging_level="WARNING"))
    finally:
        sweeper.stop()
