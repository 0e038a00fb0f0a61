"""The recording Slack Web API stand-in, now part of the product (bot/playground); tests use it as is."""

from __future__ import annotations

from bot.playground.server import LocalSlackApi
from bot.playground.workspace import BOT_USER_ID, Call, Fault

__all__ = ["BOT_USER_ID", "Call", "FakeSlackApi", "Fault"]


class FakeSlackApi(LocalSlackApi):
    """Start with `start()`; point `WebClient(base_url=api.base_url)` at it. Accepts any token."""
