"""Slack's three-step file upload (what `WebClient.files_upload_v2` does), answered from a `Workspace`.

1. `files.getUploadURLExternal` reserves a file id and hands out an upload URL on this server;
2. the client POSTs the raw bytes to that URL;
3. `files.completeUploadExternal` shares the uploaded files as one message in a channel or thread.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from bot.playground.api_errors import ApiError
from bot.playground.workspace import BOT_ID, BOT_USER_ID, Workspace

UPLOAD_PATH = "/upload/"


def get_upload_url_external(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Reserve a file: Slack wants the name and the exact byte length up front."""
    filename = p.get("filename")
    try:
        length = int(p.get("length") or 0)
    except (TypeError, ValueError) as error:
        raise ApiError("invalid_arguments") from error
    if not isinstance(filename, str) or not filename or length <= 0:
        raise ApiError("invalid_arguments")
    file_id = ws.new_id("F")
    # Unguessable, like Slack's pre-signed URLs: the upload itself carries no token.
    key = secrets.token_urlsafe(12)
    ws.files[file_id] = {"id": file_id, "name": filename, "length": length, "key": key, "content": None}
    return {"file_id": file_id, "upload_url": f"{ws.origin}{UPLOAD_PATH}{file_id}/{key}"}


def receive_upload(ws: Workspace, path: str, data: bytes) -> tuple[int, dict[str, Any]]:
    """Store the bytes POSTed to an upload URL; (status, body) for the HTTP answer."""
    file_id, _, key = path.removeprefix(UPLOAD_PATH).partition("/")
    with ws.cond:
        file = ws.files.get(file_id)
        if file is None or not secrets.compare_digest(file["key"], key):
            return 404, {"ok": False, "error": "not_found"}
        file["content"] = data
        ws.changed()
    return 200, {"ok": True}


def _shared_file(file: dict[str, Any], title: str | None) -> dict[str, Any]:
    return {"id": file["id"], "name": file["name"], "title": title or file["name"], "size": file["length"]}


def complete_upload_external(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Finish the uploads; with a channel_id, post them as one file message (in the thread, if given)."""
    try:
        items = json.loads(p.get("files") or "[]")
    except (TypeError, json.JSONDecodeError) as error:
        raise ApiError("invalid_arguments") from error
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments")
    shared = []
    for item in items:
        file = ws.files.get(item.get("id", "")) if isinstance(item, dict) else None
        if file is None:
            raise ApiError("file_not_found")
        if file["content"] is None or len(file["content"]) != file["length"]:
            raise ApiError("file_upload_size_mismatch" if file["content"] else "file_not_uploaded")
        file["title"] = item.get("title") or file["name"]
        shared.append(_shared_file(file, item.get("title")))
    channel = p.get("channel_id") or None
    if channel:
        message = {
            "channel": channel,
            "ts": ws.next_ts(),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": p.get("initial_comment") or "",
            "blocks": [],
            "thread_ts": p.get("thread_ts") or None,
            "edits": 0,
            "files": shared,
        }
        ws.messages[message["ts"]] = message
    return {"files": shared}
