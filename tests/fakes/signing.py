"""Sign requests exactly as Slack does, so tests go through the app's real verification."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


def signed_headers(
    body: str,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    """Headers carrying a valid v0 signature for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def slash_command_body(
    text: str,
    trigger_id: str = "111.222.aaa",
    user_id: str = "W111",
    channel_id: str = "C111",
    command: str = "/faultmaven",
    team_id: str = "T111",
) -> str:
    """A form-encoded slash command as Slack sends it."""
    return urlencode(
        {
            "token": "verification_token",
            "team_id": team_id,
            "team_domain": "test",
            "channel_id": channel_id,
            "channel_name": "incidents",
            "user_id": user_id,
            "user_name": "primary-owner",
            "command": command,
            "text": text,
            "api_app_id": "A111",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": trigger_id,
        }
    )


def event_body(event: dict[str, Any], event_id: str = "Ev111", team_id: str = "T111") -> str:
    """An Events API callback wrapping `event`."""
    return json.dumps(
        {
            "token": "verification_token",
            "team_id": team_id,
            "api_app_id": "A111",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0FMBOT", "is_bot": True}],
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    """Interactivity payloads arrive form-encoded under `payload`."""
    return urlencode({"payload": json.dumps(payload)})


def signed_bytes_headers(
    body: bytes, content_type: str, secret: str = SIGNING_SECRET, timestamp: str | None = None
) -> dict[str, str]:
    """Slack's v0 signature over raw bytes (a hostile body need not be UTF-8)."""
    ts = str(int(time.time())) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }
