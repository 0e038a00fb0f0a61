"""`reactions.add` answered the way Slack answers it: the message must exist, a name once per user."""

from __future__ import annotations

import re
from typing import Any

from bot.playground.api_errors import ApiError
from bot.playground.workspace import BOT_USER_ID, Workspace

# Slack's emoji names: lower-case letters, digits, '_', '-', '+' and "::skin-tone-N" suffixes.
_EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]+(?:::skin-tone-[2-6])?$")


def add_reaction(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Add the bot's reaction `name` to the message at (`channel`, `timestamp`)."""
    channel = p.get("channel")
    timestamp = p.get("timestamp")
    name = str(p.get("name") or "").strip(":")
    if not channel or not timestamp:
        raise ApiError("no_item_specified")
    if not _EMOJI_NAME.match(name):
        raise ApiError("invalid_name")
    message = ws.messages.get(str(timestamp))
    if message is None or message["channel"] != channel:
        raise ApiError("message_not_found")
    reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
    found = next((r for r in reactions if r["name"] == name), None)
    if found is None:
        reactions.append({"name": name, "users": [BOT_USER_ID], "count": 1})
    elif BOT_USER_ID in found["users"]:
        raise ApiError("already_reacted")
    else:
        found["users"].append(BOT_USER_ID)
        found["count"] += 1
    return {}
