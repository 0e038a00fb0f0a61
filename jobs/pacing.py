"""Per-channel pacing of new Slack messages, shared by every worker process through Redis.

Each channel has a "next free slot" time in Redis. A sender reserves the next slot atomically (so
two processes never get the same one) and sleeps until it; a 429 pushes the channel's next slot
past Slack's Retry-After, so the retry and every other sender wait, one slot apart, instead of all
retrying at the same instant.
"""

from __future__ import annotations

import threading

from redis import Redis

# Times come from the Redis server's clock, so processes on different hosts agree.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
local after = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 1000)
return at - now
"""

_DEFER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local after = math.max(free, now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], after, 'PX', after - now + 1000)
return after - now
"""


class ChannelPacer:
    """At most one new message per `interval` seconds per channel, across processes."""

    def __init__(self, redis: Redis, interval: float) -> None:
        self.interval = interval
        self._reserve = redis.register_script(_RESERVE)
        self._defer = redis.register_script(_DEFER)
        self._pause = threading.Event()

    def wait_turn(self, channel: str) -> float:
        """Reserve the channel's next slot and sleep until it; returns the seconds waited."""
        wait_ms = int(self._reserve(keys=[_key(channel)], args=[int(self.interval * 1000)]))
        if wait_ms > 0:
            self._pause.wait(wait_ms / 1000)
        return wait_ms / 1000

    def defer(self, channel: str, seconds: float) -> None:
        """Slack said "not before `seconds`": no sender gets a slot on this channel until then."""
        self._defer(keys=[_key(channel)], args=[int(seconds * 1000)])


def _key(channel: str) -> str:
    return f"faultmaven:channel-slot:{channel}"
