"""The one factory for Slack Web API clients."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def make_web_client(token: str | None, base_url: str = DEFAULT_SLACK_API_URL) -> WebClient:
    """A WebClient honouring SLACK_API_URL, retrying 429 (Retry-After), 5xx and dropped connections."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    client = WebClient(token=token, base_url=url, timeout=10)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ]
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
