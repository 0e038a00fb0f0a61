"""The worker's heartbeat: renews the outbox leases of the job it runs and says "alive" in Redis."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from storage.outbox_leases import OutboxLeases

log = logging.getLogger(__name__)

WORKERS_KEY = "faultmaven:worker-heartbeats"
# A worker that has not beaten for this long counts as dead (it beats every few seconds).
WORKER_STALE_AFTER_SECONDS = 30.0
MAX_BEAT_EVERY_SECONDS = 5.0


def worker_identity() -> str:
    """host:pid, unique among live workers."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat(threading.Thread):
    """Beats every third of a lease (at most every 5 s), so a lease outlives two missed beats."""

    def __init__(self, redis: Redis, leases: OutboxLeases, identity: str | None = None) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self._redis = redis
        self._leases = leases
        self.identity = identity or worker_identity()
        self.every = min(MAX_BEAT_EVERY_SECONDS, leases.lease_seconds / 3)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.beat_once()

    def beat_once(self) -> None:
        """Renew held leases, then record the beat; each survives the other's outage."""
        try:
            self._leases.renew_held()
        except SQLAlchemyError:
            log.warning("could not renew job leases; will retry", exc_info=True)
        try:
            record_beat(self._redis, self.identity)
        except RedisError as error:
            log.warning("could not record worker heartbeat: %s", type(error).__name__)

    def stop(self) -> None:
        self._halt.set()


def record_beat(redis: Redis, identity: str) -> None:
    """Note (by the Redis server's clock) that `identity` is alive; forget long-dead workers."""
    now = _redis_now(redis)
    with redis.pipeline() as pipe:
        pipe.zadd(WORKERS_KEY, {identity: now})
        pipe.zremrangebyscore(WORKERS_KEY, 0, now - 10 * WORKER_STALE_AFTER_SECONDS)
        pipe.execute()


@dataclass(frozen=True)
class WorkerBeats:
    alive: int
    freshest_age_seconds: float | None


def live_workers(redis: Redis) -> WorkerBeats:
    """How many workers beat recently, and how long ago the most recent beat was."""
    now = _redis_now(redis)
    beats = redis.zrangebyscore(WORKERS_KEY, now - WORKER_STALE_AFTER_SECONDS, "+inf", withscores=True)
    ages = [max(0.0, now - float(entry[1])) for entry in beats]
    return WorkerBeats(len(ages), min(ages) if ages else None)


def _redis_now(redis: Redis) -> float:
    # redis-py types TIME loosely; it answers (seconds, microseconds).
    answer: tuple[int, int] = redis.time()
    return float(answer[0]) + float(answer[1]) / 1_000_000
