"""The gate every inbound HTTP request passes first: a bounded body read, then authentication on raw bytes.

Nothing here parses a body before its sender is authenticated, and nothing here logs a body: a
refused request is logged as its route, status and error code only.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Slack's documented replay window for X-Slack-Request-Timestamp.
SLACK_TIMESTAMP_WINDOW_SECONDS = 5 * 60


class RequestRefused(Exception):
    """Why a request is answered with an error before anything reads its content."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(f"{status} {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason

    def response(self) -> JSONResponse:
        """The answer the sender sees: a status, a code and a reason of our own words (never their body)."""
        # The body may be unread: the connection is closed after this answer, and the sender is told
        # so rather than finding out on its next request.
        return JSONResponse(
            {"ok": False, "error": self.error, "reason": self.reason},
            status_code=self.status,
            headers={"Connection": "close"},
        )


@dataclass(frozen=True)
class SlackRequestAuth:
    """How Slack proves a request is Slack's: the app's signing secret; and how big a request may be."""

    signing_secret: SecretStr
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


async def read_bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit` (Content-Length or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.strip().isdigit():
            raise RequestRefused(400, "bad_content_length", "Content-Length must be a number of bytes")
        if int(declared) > limit:
            raise RequestRefused(413, "request_too_large", f"the body exceeds {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestRefused(413, "request_too_large", f"the body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def verify_slack_signature(
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    secret: str,
    now: Callable[[], float] = time.time,
) -> None:
    """Check Slack's v0 HMAC over `v0:<timestamp>:<raw body>`; raise 401 when it does not hold."""
    if not timestamp or not signature:
        raise RequestRefused(401, "invalid_signature", "the request is not signed")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise RequestRefused(401, "invalid_signature", "X-Slack-Request-Timestamp is not a Unix time")
    if abs(now() - int(timestamp)) > SLACK_TIMESTAMP_WINDOW_SECONDS:
        raise RequestRefused(
            401, "invalid_signature", "X-Slack-Request-Timestamp is too old or in the future"
        )
    expected = (
        "v0="
        + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise RequestRefused(401, "invalid_signature", "X-Slack-Signature does not match")


async def read_slack_request(request: Request, auth: SlackRequestAuth) -> bytes:
    """The raw body of a request that Slack demonstrably signed, read within the size limit."""
    # Headers are checked before the body is read: an unsigned request is refused without reading it.
    timestamp = request.headers.get("x-slack-request-timestamp")
    signature = request.headers.get("x-slack-signature")
    if not timestamp or not signature:
        raise RequestRefused(401, "invalid_signature", "the request is not signed")
    body = await read_bounded_body(request, auth.max_body_bytes)
    verify_slack_signature(body, timestamp, signature, auth.signing_secret.get_secret_value())
    return body
