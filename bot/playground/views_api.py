"""views.open / push / update / publish: modals and Home tabs kept in the workspace."""

from __future__ import annotations

import copy
from typing import Any

from bot.playground.api_errors import ApiError
from bot.playground.arguments import VIEW_BLOCK_LIMIT, checked_blocks, json_arg, require
from bot.playground.workspace import APP_ID, BOT_ID, TEAM_ID, Workspace


def store_view(ws: Workspace, p: dict[str, Any], view_id: str | None, user: str) -> dict[str, Any]:
    """Validate and keep a modal or home view; an existing `view_id` is replaced in place."""
    view = copy.deepcopy(json_arg(p.get("view"), dict))
    if view.get("type") not in ("modal", "home"):
        raise ApiError("invalid_arguments")
    if view["type"] == "modal" and not isinstance(view.get("title"), dict):
        raise ApiError("invalid_arguments")
    view["blocks"] = checked_blocks(view.get("blocks"), VIEW_BLOCK_LIMIT)
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


def open_view(ws: Workspace, p: dict[str, Any], push: bool = False) -> dict[str, Any]:
    trigger = require(p, "trigger_id", "invalid_trigger_id")
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


def update_view(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    view_id = p.get("view_id") or next(
        (v["id"] for v in ws.views.values() if v.get("external_id") == p.get("external_id")), None
    )
    if not view_id or view_id not in ws.views:
        raise ApiError("not_found")
    return {"view": store_view(ws, p, view_id, ws.views[view_id]["user"])}


def publish_view(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    user = require(p, "user_id", "invalid_arguments")
    view = store_view(ws, p, ws.homes.get(user), user)
    ws.homes[user] = view["id"]
    return {"view": view}
