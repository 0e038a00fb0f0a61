"""Message metadata as Slack keeps it: set by chat.postMessage, listed only when asked for."""

from __future__ import annotations

import json
from typing import Any

from bot.playground.api_errors import ApiError


def parse_metadata(value: Any) -> dict[str, Any] | None:
    """The `metadata` argument checked like Slack: an event_type and an event_payload object."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ApiError("invalid_metadata_format") from error
    if not isinstance(value, dict):
        raise ApiError("invalid_metadata_format")
    event_type, payload = value.get("event_type"), value.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise ApiError("invalid_metadata_format")
    return {"event_type": event_type, "event_payload": payload}


def listed_message(message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A message as conversations.history/replies list it: metadata only with include_all_metadata."""
    if str(params.get("include_all_metadata", "")).lower() in ("1", "true"):
        return message
    return {k: v for k, v in message.items() if k != "metadata"}
