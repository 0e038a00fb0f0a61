"""`conversations.*` answered the way Slack answers a bot token, and who may post where.

conversations.list pages with an opaque cursor, lists public channels (and the private channels
the bot is in, when asked for `private_channel`), and hides archived ones on request.
"""

from __future__ import annotations

import base64
from typing import Any

from bot.playground.api_errors import ApiError
from bot.playground.channels import PretendChannel
from bot.playground.message_metadata import listed_message
from bot.playground.workspace import Workspace

_TYPES = {"public_channel", "private_channel", "mpim", "im"}
MAX_LIMIT = 1000
CREATED = 1_700_000_000


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def channel_object(channel: PretendChannel) -> dict[str, Any]:
    """A channel as conversations.list and conversations.join describe it."""
    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "is_archived": channel.is_archived,
        "is_general": channel.name == "general",
        "is_member": channel.is_member,
        "created": CREATED,
        "topic": {"value": channel.topic, "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        if prefix != "offset":
            raise ValueError(cursor)
        return int(number)
    except ValueError as error:
        raise ApiError("invalid_cursor") from error


def list_conversations(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """One page of the channels the bot can see, oldest id first."""
    types = {t.strip() for t in str(p.get("types") or "public_channel").split(",") if t.strip()}
    if not types <= _TYPES:
        raise ApiError("invalid_types")
    try:
        limit = int(p.get("limit") or 100)
    except ValueError as error:
        raise ApiError("invalid_limit") from error
    if limit < 1:
        raise ApiError("invalid_limit")
    limit = min(limit, MAX_LIMIT)
    offset = _offset(str(p["cursor"])) if p.get("cursor") else 0
    visible = [
        c
        for c in sorted(ws.channels.values(), key=lambda c: c.id)
        if ("private_channel" if c.is_private else "public_channel") in types
        and (c.is_member or not c.is_private)
        and not (c.is_archived and _flag(p.get("exclude_archived")))
    ]
    page = visible[offset : offset + limit]
    more = offset + limit < len(visible)
    return {
        "channels": [channel_object(c) for c in page],
        "response_metadata": {"next_cursor": _cursor(offset + limit) if more else ""},
    }


def join_conversation(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Join a public channel; private and archived ones refuse as Slack does."""
    channel = ws.channels.get(str(p.get("channel") or ""))
    if channel is None or (channel.is_private and not channel.is_member):
        raise ApiError("channel_not_found")
    if channel.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    channel.is_member = True
    return {"channel": channel_object(channel)}


def check_can_post(ws: Workspace, channel_id: str) -> None:
    """Archived channels and private channels the bot is not in refuse a post (chat:write.public
    lets it post in public channels it has not joined). Ids the workspace does not list, as tests
    use, are taken as channels the bot is in."""
    channel = ws.channels.get(channel_id)
    if channel is None:
        return
    if channel.is_private and not channel.is_member:
        raise ApiError("channel_not_found")
    if channel.is_archived:
        raise ApiError("is_archived")


def replies(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """A thread: its root, then its replies oldest first."""
    ts = p.get("ts")
    root = ws.messages.get(str(ts)) if ts else None
    if root is None:
        raise ApiError("thread_not_found")
    thread = [m for m in ws.messages.values() if m.get("thread_ts") == ts and m["ts"] != ts]
    listed = [root, *sorted(thread, key=lambda m: float(m["ts"]))]
    # Message metadata is returned only when asked for with include_all_metadata, as Slack does.
    return {"messages": [listed_message(m, p) for m in listed], "has_more": False}


def history(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """A channel's top-level messages, newest first."""
    channel = p.get("channel")
    if not channel:
        raise ApiError("channel_not_found")
    found = [
        m for m in ws.messages.values() if m["channel"] == channel and m.get("thread_ts") in (None, m["ts"])
    ]
    listed = sorted(found, key=lambda m: -float(m["ts"]))
    return {"messages": [listed_message(m, p) for m in listed], "has_more": False}
