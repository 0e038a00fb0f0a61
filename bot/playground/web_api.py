"""The Slack Web API methods the bot uses, answered from a `Workspace` the way Slack answers them.

Hardened for a long-running process: the bot token is checked, bodies are size-limited and parsed
defensively, arguments are validated with Slack's own error names, and block lists are checked
against Slack's limits so a message Slack would reject is rejected here too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from bot.playground.api_errors import ApiError
from bot.playground.arguments import MESSAGE_BLOCK_LIMIT, checked_blocks, require
from bot.playground.conversations_api import (
    check_can_post,
    history,
    join_conversation,
    list_conversations,
    replies,
)
from bot.playground.files_api import complete_upload_external, get_upload_url_external
from bot.playground.message_metadata import parse_metadata
from bot.playground.permalinks_api import get_permalink
from bot.playground.reactions_api import add_reaction
from bot.playground.views_api import open_view, publish_view, update_view
from bot.playground.workspace import BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, USERS, Call, Workspace

MAX_BODY = 1_000_000


@dataclass
class ApiReply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def parse_params(raw: bytes, content_type: str) -> dict[str, Any]:
    """Form or JSON arguments, as WebClient sends them; ValueError when unreadable."""
    if len(raw) > MAX_BODY:
        raise ValueError("request_too_large")
    text = raw.decode("utf-8")
    if content_type.startswith("application/json"):
        parsed = json.loads(text or "{}")
        if not isinstance(parsed, dict):
            raise ValueError("invalid_json")
        return parsed
    return dict(parse_qsl(text, keep_blank_values=True))


def _post_message(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    channel = require(p, "channel", "channel_not_found")
    check_can_post(ws, channel)
    blocks = checked_blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
    if not p.get("text") and not blocks:
        raise ApiError("no_text")
    # Slack also marks a thread's parent with its own thread_ts; we keep parents unmarked (tests read
    # `thread_ts is None` as "top level") and count replies when the page asks.
    thread_ts = p.get("thread_ts") or None
    metadata = parse_metadata(p.get("metadata"))
    message = {
        "channel": channel,
        "ts": ws.next_ts(),
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": p.get("text", ""),
        "blocks": blocks,
        "thread_ts": thread_ts,
        "edits": 0,
        **({"metadata": metadata} if metadata else {}),
    }
    ws.messages[message["ts"]] = message
    return {"channel": channel, "ts": message["ts"], "message": message}


def _update(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    channel = require(p, "channel", "channel_not_found")
    existing = ws.messages.get(require(p, "ts", "message_not_found"))
    if existing is None or existing["channel"] != channel:
        raise ApiError("message_not_found")
    if existing.get("bot_id") != BOT_ID:
        raise ApiError("cant_update_message")
    blocks = checked_blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
    existing.update(text=p.get("text", ""), blocks=blocks, edits=existing["edits"] + 1)
    return {"channel": channel, "ts": existing["ts"], "text": existing["text"]}


def _delete(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    ts = require(p, "ts", "message_not_found")
    if ws.messages.pop(ts, None) is None:
        raise ApiError("message_not_found")
    return {"channel": p.get("channel"), "ts": ts}


def _ephemeral(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    channel = require(p, "channel", "channel_not_found")
    user = require(p, "user", "user_not_in_channel")
    blocks = checked_blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
    if not p.get("text") and not blocks:
        raise ApiError("no_text")
    ephemeral = {
        "channel": channel,
        "user": user,
        "text": p.get("text", ""),
        "blocks": blocks,
        "thread_ts": p.get("thread_ts") or None,
        "ts": ws.next_ts(),
    }
    ws.ephemerals.append(ephemeral)
    return {"message_ts": ephemeral["ts"]}


def _user(_ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    user_id = require(p, "user", "user_not_found")
    known = {u.id: u for u in USERS}
    if user_id == BOT_USER_ID:
        return {"user": {"id": user_id, "name": "faultmaven", "real_name": BOT_NAME, "is_bot": True}}
    person = known.get(user_id)
    name, real_name = (person.name, person.real_name) if person else (user_id.lower(), f"User {user_id}")
    return {"user": {"id": user_id, "name": name, "real_name": real_name, "is_bot": False, "tz": "UTC"}}


def _usergroup_users(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    group = require(p, "usergroup", "no_such_subteam")
    if group not in ws.usergroups:
        raise ApiError("no_such_subteam")
    return {"users": list(ws.usergroups[group])}


def _auth_test(_ws: Workspace, _p: dict[str, Any]) -> dict[str, Any]:
    return {
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "team_id": TEAM_ID,
        "user": "faultmaven",
        "team": "Playground",
    }


METHODS: dict[str, Callable[[Workspace, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.delete": _delete,
    "chat.postEphemeral": _ephemeral,
    "views.open": open_view,
    "views.push": lambda ws, p: open_view(ws, p, push=True),
    "views.update": update_view,
    "views.publish": publish_view,
    "conversations.replies": replies,
    "conversations.history": history,
    "conversations.list": list_conversations,
    "conversations.join": join_conversation,
    "users.info": _user,
    "reactions.add": add_reaction,
    "usergroups.users.list": _usergroup_users,
    "files.getUploadURLExternal": get_upload_url_external,
    "files.completeUploadExternal": complete_upload_external,
    "chat.getPermalink": get_permalink,
}


def _respond(ws: Workspace, target_id: str, p: dict[str, Any]) -> dict[str, Any]:
    """A POST to a response_url: an ephemeral (default) or in-channel message as the bot."""
    target = ws.responses.get(target_id)
    if target is None:
        return {}  # the test fake hands out response_urls it never issued; Slack would 404
    blocks = checked_blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
    original = ws.messages.get(target["message_ts"])
    ephemeral = ws.ephemeral(target["message_ts"], target["user"]) if original is None else None
    if p.get("delete_original") and original is not None:
        del ws.messages[original["ts"]]
    elif p.get("delete_original") and ephemeral is not None:
        ws.ephemerals.remove(ephemeral)
    elif p.get("replace_original") and original is not None:
        original.update(text=p.get("text", ""), blocks=blocks, edits=original["edits"] + 1)
    elif p.get("replace_original") and ephemeral is not None:
        ephemeral.update(text=p.get("text", ""), blocks=blocks)
    elif p.get("response_type") == "in_channel":
        _post_message(ws, {**p, "channel": target["channel"], "blocks": blocks})
    else:
        _ephemeral(ws, {**p, "channel": target["channel"], "user": target["user"], "blocks": blocks})
    return {}


def call(ws: Workspace, method: str, params: dict[str, Any], token: str | None) -> ApiReply:
    """Answer one Web API call (or a `response_url/<id>` post) and record it."""
    with ws.cond:
        delay = ws.delays.get(method, 0.0)
    if delay > 0:
        time.sleep(delay)  # a slow Slack: the caller waits, other requests are served meanwhile
    with ws.cond:
        fault = ws.faults.get(method)
        if fault and fault.applies():
            ws.calls.append(Call(method + ":failed", params, token))
            ws.changed()
            error = "ratelimited" if fault.status == 429 else "fatal_error"
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return ApiReply(fault.status, {"ok": False, "error": error}, headers)
        is_response_url = method.startswith("response_url/")
        try:
            if not is_response_url and ws.bot_token is not None and token != ws.bot_token:
                raise ApiError("not_authed" if token is None else "invalid_auth")
            if is_response_url:
                body = _respond(ws, method.removeprefix("response_url/"), params)
            elif method in METHODS:
                body = METHODS[method](ws, params)
            else:
                raise ApiError("unknown_method")
            reply = ApiReply(200, {"ok": True, **body})
        except ApiError as error:
            reply = ApiReply(200, {"ok": False, "error": str(error)})
        ws.calls.append(Call(method, params, token))
        ws.changed()
        return reply
