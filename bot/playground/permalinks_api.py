"""`chat.getPermalink` answered the way Slack answers it: the message must exist in that channel."""

from __future__ import annotations

from typing import Any

from bot.playground.api_errors import ApiError
from bot.playground.workspace import Workspace

# Slack's own link shape, on a host that cannot be mistaken for a real workspace.
PERMALINK_BASE = "https://playground.slack.invalid/archives"


def get_permalink(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """The link to the message at (`channel`, `message_ts`)."""
    channel = str(p.get("channel") or "")
    message_ts = str(p.get("message_ts") or "")
    if not channel:
        raise ApiError("channel_not_found")
    message = ws.messages.get(message_ts)
    if message is None or message["channel"] != channel:
        raise ApiError("message_not_found")
    return {"channel": channel, "permalink": f"{PERMALINK_BASE}/{channel}/p{message_ts.replace('.', '')}"}
