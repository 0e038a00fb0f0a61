"""Per-channel pacing of new Slack messages, shared by every worker process through Redis.

Each channel has a "next free slot" time in Redis. A sender reserves the next slot atomically (so
two processes never get the same one) and sleeps until it; a 429 puts a hold on the channel until
Slack's Retry-After has passed, and every sender (the retry included) then takes a fresh slot after
the hold, one interval apart, instead of all retrying at the same instant.

A worker must not sleep on one busy channel while jobs for other channels wait behind it: inside
`yielding_to(...)`, a slot further away than `YIELD_AFTER_SECONDS` is not reserved while other
work is waiting; `ChannelBusy` is raised instead and the worker re-queues the (idempotent) job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Slots are spaced this much wider than the interval: a sender wakes a little late, never early, so
# a late post followed by an on-time one would otherwise land closer together than the interval.
JITTER_MARGIN = 0.05
# A wait this short is slept (cheaper than running a job again); a longer one yields to other work.
YIELD_AFTER_SECONDS = 0.25
# Set while a job that may be re-queued runs: says whether other jobs are waiting for this worker.
_other_work_waiting: ContextVar[Callable[[], bool] | None] = ContextVar("other_work_waiting", default=None)


class ChannelBusy(Exception):
    """The channel's next slot is `seconds` away and other jobs are waiting: run this one later."""

    def __init__(self, channel: str, seconds: float) -> None:
        super().__init__(f"channel {channel} busy for {seconds:.2f} s")
        self.channel = channel
        self.seconds = seconds


@contextmanager
def yielding_to(other_work_waiting: Callable[[], bool]) -> Iterator[None]:
    """Within this block, a post that would wait long raises ChannelBusy when other work waits."""
    token = _other_work_waiting.set(other_work_waiting)
    try:
        yield
    finally:
        _other_work_waiting.reset(token)


# Times (ms) come from the Redis server's clock, so processes on different hosts agree. KEYS: the
# channel's next free slot, and the time Slack told us to hold off until (a 429's Retry-After).
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# ARGV[1]: the interval; ARGV[2]: "1" to reserve only if a hold began since the caller's slot;
# ARGV[3]: the burst tolerance (ms): how far ahead of the steady pace a quiet channel may run, so a
# new case's root and "Investigating…" go out together. None while, or soon after, Slack said 429.
# ARGV[4]: the longest wait (ms) worth reserving, or -1 for any; a longer one returns minus the wait
# and reserves nothing.
_RESERVE = (
    _NOW
    + """
local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[2] == '1' and hold <= now then
  return 0
end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[3])
if hold + tolerance + interval > now then
  tolerance = 0
end
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free - tolerance, hold)
local limit = tonumber(ARGV[4])
if limit >= 0 and at - now > limit then
  return now - at
end
local after = math.max(at, free) + interval
redis.call('SET', KEYS[1], after, 'PX', after - now + 1000)
return at - now
"""
)

_DEFER = (
    _NOW
    + """
local hold = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[2], hold, 'PX', hold - now + 1000)
return hold - now
"""
)


class ChannelPacer:
    """One new message per `interval` seconds per channel on average, across processes; a quiet
    channel may take `burst` at once (Slack allows short bursts), never right after a 429."""

    def __init__(self, redis: Redis, interval: float, burst: int = 1) -> None:
        self.interval = interval
        self.burst = max(1, burst)
        self._reserve = redis.register_script(_RESERVE)
        self._defer = redis.register_script(_DEFER)
        self._pause = threading.Event()

    def wait_turn(self, channel: str) -> float:
        """Reserve the channel's next slot and sleep until it; returns the seconds waited.

        A 429 seen by another sender while we slept puts a hold on the channel: then we take a new
        slot after the hold rather than call Slack inside its Retry-After. Inside `yielding_to`,
        raises ChannelBusy rather than sleep long while other jobs wait.
        """
        keys, interval_ms = _keys(channel), int(self.interval * 1000 * (1 + JITTER_MARGIN))
        tolerance_ms = interval_ms * (self.burst - 1)
        other_work_waiting = _other_work_waiting.get()
        limit_ms = int(YIELD_AFTER_SECONDS * 1000) if other_work_waiting is not None else -1
        waited_ms = 0
        try:
            wait_ms = int(self._reserve(keys=keys, args=[interval_ms, "0", tolerance_ms, limit_ms]))
            if wait_ms < 0 and other_work_waiting is not None:
                if other_work_waiting():
                    raise ChannelBusy(channel, -wait_ms / 1000)
                wait_ms = int(self._reserve(keys=keys, args=[interval_ms, "0", tolerance_ms, -1]))
            while wait_ms > 0:
                self._pause.wait(wait_ms / 1000)
                waited_ms += wait_ms
                wait_ms = int(self._reserve(keys=keys, args=[interval_ms, "1", tolerance_ms, -1]))
        except RedisError as error:
            # Without Redis there is nobody to coordinate with: post rather than lose the message.
            log.warning("channel pacing unavailable (%s); posting unpaced", type(error).__name__)
        return waited_ms / 1000

    def defer(self, channel: str, seconds: float) -> None:
        """Slack said "not before `seconds`": no sender gets a slot on this channel until then."""
        try:
            self._defer(keys=_keys(channel), args=[int(seconds * 1000)])
        except RedisError:
            self._pause.wait(seconds)  # other senders cannot be told; at least this one waits


def _keys(channel: str) -> list[str]:
    return [f"faultmaven:channel-slot:{channel}", f"faultmaven:channel-hold:{channel}"]
