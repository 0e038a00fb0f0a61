"""Poll with a deadline instead of sleeping a fixed time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(probe: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.05) -> T:
    """Return probe()'s first truthy result; fail when the deadline passes."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        pause.wait(interval)
