"""The one factory for Slack Web API clients."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from jobs.metrics import SlackCallCounter

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def make_web_client(token: str | None, base_url: str = DEFAULT_SLACK_API_URL) -> WebClient:
    """A WebClient honouring SLACK_API_URL, retrying 429 (Retry-After), 5xx and dropped connections."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    client = WebClient(token=token, base_url=url, timeout=10)
    client.retry_handlers.extend(
        [
            # First, and never retrying itself: it sees every HTTP answer, then the others decide.
            SlackCallCounter(),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ]
    )
    return client
