"""The Slack Web API methods the bot uses, answered from a `Workspace` the way Slack answers them.

Hardened for a long-running process: the bot token is checked, bodies are size-limited and parsed
defensively, arguments are validated with Slack's own error names, and block lists are checked
against Slack's limits so a message Slack would reject is rejected here too.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from bot.playground.api_errors import ApiError
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
from bot.playground.workspace import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, USERS, Call, Workspace

MAX_BODY = 1_000_000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


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


def _json_arg(value: Any, kind: type) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ApiError("invalid_arguments") from error
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ApiError("invalid_arguments")
    return value


def _blocks(value: Any, limit: int) -> list[dict[str, Any]]:
    """Validate like Slack (shape, count, text lengths) and fill in missing block ids."""
    blocks: list[dict[str, Any]] = copy.deepcopy(_json_arg(value, list))
    if len(blocks) > limit:
        raise ApiError("invalid_blocks")
    for n, block in enumerate(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise ApiError("invalid_blocks")
        text = block.get("text")
        if isinstance(text, dict) and len(str(text.get("text", ""))) > (
            150 if block["type"] == "header" else 3000
        ):
            raise ApiError("invalid_blocks")
        block.setdefault("block_id", f"blk{n}")
    return blocks


def _require(params: dict[str, Any], name: str, error: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(error)
    return value


def _post_message(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    channel = _require(p, "channel", "channel_not_found")
    check_can_post(ws, channel)
    blocks = _blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
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
    channel = _require(p, "channel", "channel_not_found")
    existing = ws.messages.get(_require(p, "ts", "message_not_found"))
    if existing is None or existing["channel"] != channel:
        raise ApiError("message_not_found")
    if existing.get("bot_id") != BOT_ID:
        raise ApiError("cant_update_message")
    blocks = _blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
    existing.update(text=p.get("text", ""), blocks=blocks, edits=existing["edits"] + 1)
    return {"channel": channel, "ts": existing["ts"], "text": existing["text"]}


def _delete(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    ts = _require(p, "ts", "message_not_found")
    if ws.messages.pop(ts, None) is None:
        raise ApiError("message_not_found")
    return {"channel": p.get("channel"), "ts": ts}


def _ephemeral(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    channel = _require(p, "channel", "channel_not_found")
    user = _require(p, "user", "user_not_in_channel")
    blocks = _blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
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


def store_view(ws: Workspace, p: dict[str, Any], view_id: str | None, user: str) -> dict[str, Any]:
    """Validate and keep a modal or home view; an existing `view_id` is replaced in place."""
    view = copy.deepcopy(_json_arg(p.get("view"), dict))
    if view.get("type") not in ("modal", "home"):
        raise ApiError("invalid_arguments")
    if view["type"] == "modal" and not isinstance(view.get("title"), dict):
        raise ApiError("invalid_arguments")
    view["blocks"] = _blocks(view.get("blocks"), VIEW_BLOCK_LIMIT)
    view_id = view_id or ws.new_id("V")
    previous = ws.views.get(view_id, {})
    stored = {
        **view,
        "id": view_id,
        "team_id": TEAM_ID,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "user": user,
        "state": {"values": {}},
        "hash": f"{ws.version}.{view_id}",
        "root_view_id": previous.get("root_view_id", view_id),
        "previous_view_id": previous.get("previous_view_id"),
    }
    ws.views[view_id] = stored
    return stored


def _open(ws: Workspace, p: dict[str, Any], push: bool = False) -> dict[str, Any]:
    trigger = _require(p, "trigger_id", "invalid_trigger_id")
    user = ws.triggers.get(trigger, "")
    stack = ws.modal_stacks.setdefault(user, [])
    if push and not stack:
        raise ApiError("not_found")
    if not push:
        stack.clear()
    view = store_view(ws, p, None, user)
    if stack:
        view["previous_view_id"], view["root_view_id"] = stack[-1], ws.views[stack[0]]["id"]
    stack.append(view["id"])
    return {"view": view}


def _views_update(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    view_id = p.get("view_id") or next(
        (v["id"] for v in ws.views.values() if v.get("external_id") == p.get("external_id")), None
    )
    if not view_id or view_id not in ws.views:
        raise ApiError("not_found")
    return {"view": store_view(ws, p, view_id, ws.views[view_id]["user"])}


def _publish(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    user = _require(p, "user_id", "invalid_arguments")
    view = store_view(ws, p, ws.homes.get(user), user)
    ws.homes[user] = view["id"]
    return {"view": view}


def _user(_ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    user_id = _require(p, "user", "user_not_found")
    known = {u.id: u for u in USERS}
    if user_id == BOT_USER_ID:
        return {"user": {"id": user_id, "name": "faultmaven", "real_name": BOT_NAME, "is_bot": True}}
    person = known.get(user_id)
    name, real_name = (person.name, person.real_name) if person else (user_id.lower(), f"User {user_id}")
    return {"user": {"id": user_id, "name": name, "real_name": real_name, "is_bot": False, "tz": "UTC"}}


def _usergroup_users(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    group = _require(p, "usergroup", "no_such_subteam")
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
    "views.open": _open,
    "views.push": lambda ws, p: _open(ws, p, push=True),
    "views.update": _views_update,
    "views.publish": _publish,
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
    blocks = _blocks(p.get("blocks"), MESSAGE_BLOCK_LIMIT)
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
