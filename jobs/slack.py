"""The one factory for Slack Web API clients, and the paced client workers post through."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from jobs.metrics import SlackCallCounter
from jobs.pacing import ChannelPacer

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
TIMEOUT_SECONDS = 10
# A new message rate-limited this many times in a row is left to RQ's retry of the whole job.
MAX_RATE_LIMITED_POSTS = 6


def make_web_client(
    token: str | None, base_url: str = DEFAULT_SLACK_API_URL, pacer: ChannelPacer | None = None
) -> WebClient:
    """A WebClient honouring SLACK_API_URL, retrying 429 (Retry-After), 5xx and dropped connections.

    With a `pacer`, every chat.postMessage waits for its channel's slot (see jobs/pacing.py).
    """
    url = base_url if base_url.endswith("/") else base_url + "/"
    client = (
        PacedWebClient(token=token, base_url=url, timeout=TIMEOUT_SECONDS, pacer=pacer)
        if pacer is not None
        else WebClient(token=token, base_url=url, timeout=TIMEOUT_SECONDS)
    )
    client.retry_handlers.extend(
        # The counter first, and never retrying itself: it sees every HTTP answer, then the others decide.
        [SlackCallCounter(), RateLimitErrorRetryHandler(max_retry_count=3), *_transient_handlers()]
    )
    return client


def make_ack_path_client(
    token: str | None, base_url: str = DEFAULT_SLACK_API_URL, timeout: float = 2.0
) -> WebClient:
    """The handlers' client: a short timeout and no retries, so one slow or rate-limited call cannot
    keep a listener past Slack's 3-second window. Only for what must happen inline (views.open)."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    # An explicit empty list: WebClient otherwise retries dropped connections by default.
    # The SDK types `timeout` as int but hands it to urllib, which takes fractions of a second.
    return WebClient(token=token, base_url=url, timeout=timeout, retry_handlers=[])  # type: ignore[arg-type]


def _transient_handlers() -> list[ServerErrorRetryHandler | ConnectionErrorRetryHandler]:
    return [ServerErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler(max_retry_count=2)]


class PacedWebClient(WebClient):
    """New messages go out one channel slot at a time; a 429 moves the channel's next slot instead
    of being retried on the spot, so a rate-limit storm never ends in a burst."""

    def __init__(self, *, pacer: ChannelPacer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        # Posts go through a twin without the SDK's 429 retry: the pacer schedules those retries.
        self._poster = WebClient(**kwargs)
        self._poster.retry_handlers.extend([SlackCallCounter(), *_transient_handlers()])

    def chat_postMessage(self, *, channel: str, **kwargs: Any) -> SlackResponse:
        """chat.postMessage in the channel's next free slot, re-queued behind Retry-After on a 429."""
        for attempt in range(1, MAX_RATE_LIMITED_POSTS + 1):
            self.pacer.wait_turn(channel)
            try:
                return self._poster.chat_postMessage(channel=channel, **kwargs)
            except SlackApiError as error:
                if error.response.status_code != 429 or attempt == MAX_RATE_LIMITED_POSTS:
                    raise
                self.pacer.defer(channel, _retry_after(error.response))
        raise AssertionError("unreachable: the last attempt returns or raises")


def _retry_after(response: SlackResponse) -> float:
    """Slack's Retry-After in seconds (1 when missing or unreadable)."""
    for name, value in response.headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except ValueError:
                return 1.0
    return 1.0
