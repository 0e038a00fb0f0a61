"""Per-channel pacing of new Slack messages, shared by every worker process through Redis.

Each channel has a "next free slot" time in Redis. A sender reserves the next slot atomically (so
two processes never get the same one) and sleeps until it; a 429 puts a hold on the channel until
Slack's Retry-After has passed, and every sender (the retry included) then takes a fresh slot after
the hold, one interval apart, instead of all retrying at the same instant.
"""

from __future__ import annotations

import logging
import threading

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Times (ms) come from the Redis server's clock, so processes on different hosts agree. KEYS: the
# channel's next free slot, and the time Slack told us to hold off until (a 429's Retry-After).
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# ARGV[1]: the interval; ARGV[2]: "1" to reserve only if a hold began since the caller's slot;
# ARGV[3]: the burst tolerance (ms): how far ahead of the steady pace a quiet channel may run, so a
# new case's root and "Investigating…" go out together. None while, or soon after, Slack said 429.
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
        slot after the hold rather than call Slack inside its Retry-After.
        """
        keys, interval_ms = _keys(channel), int(self.interval * 1000)
        tolerance_ms = interval_ms * (self.burst - 1)
        waited_ms = 0
        try:
            wait_ms = int(self._reserve(keys=keys, args=[interval_ms, "0", tolerance_ms]))
            while wait_ms > 0:
                self._pause.wait(wait_ms / 1000)
                waited_ms += wait_ms
                wait_ms = int(self._reserve(keys=keys, args=[interval_ms, "1", tolerance_ms]))
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
