"""The recording Slack Web API stand-in, now part of the product (bot/playground); tests use it as is."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

from bot.playground.server import LocalSlackApi
from bot.playground.workspace import BOT_USER_ID, Call, Fault

__all__ = ["BOT_USER_ID", "Call", "FakeSlackApi", "Fault"]


class FakeSlackApi(LocalSlackApi):
    """Start with `start()`; point `WebClient(base_url=api.base_url)` at it. Accepts any token.

    `hang(seconds)` makes every call wait that long before answering, as a Slack outage would.
    """

    def __init__(self) -> None:
        super().__init__()
        self._released = threading.Event()
        self._hang_seconds = 0.0

    def hang(self, seconds: float) -> None:
        """Hold every call for `seconds` (or until `reset()`) before answering it."""
        self._released.clear()
        self._hang_seconds = seconds

    def reset(self) -> None:
        self._hang_seconds = 0.0
        self._released.set()  # lets held calls go, so no server thread outlives its test for long
        super().reset()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if self._hang_seconds:
            self._released.wait(self._hang_seconds)
            return  # the caller gave up long ago: answering would only write to a closed socket
        super()._handle(request)
