"""A per-channel message slot in Redis, so floods respect Slack's ~1 message/second/channel."""

from __future__ import annotations

import threading

from redis import Redis


def wait_for_channel_slot(redis: Redis, channel: str, interval: float) -> float:
    """Block until `channel` may receive another message; returns the seconds waited."""
    if interval <= 0:
        return 0.0
    key = f"faultmaven:slack-slot:{channel}"
    pause = threading.Event()
    waited = 0.0
    while not redis.set(key, "1", nx=True, px=max(1, int(interval * 1000))):
        remaining_ms = redis.pttl(key)
        delay = max(int(remaining_ms), 5) / 1000
        pause.wait(delay)
        waited += delay
    return waited
