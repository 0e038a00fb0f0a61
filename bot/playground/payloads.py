"""What Slack would send the bot for a person's action, built as Slack builds it, and signed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.playground.workspace import APP_ID, BOT_USER_ID, CHANNEL_NAME, TEAM_ID, USERS


def sign(secret: str, body: str, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers carrying Slack's v0 request signature for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def user_name(user_id: str) -> str:
    """A pretend user's handle."""
    return next((u.name for u in USERS if u.id == user_id), user_id.lower())


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_name(user_id), "name": user_name(user_id), "team_id": TEAM_ID}


def slash_command(
    command: str, text: str, user_id: str, channel: str, trigger_id: str, response_url: str
) -> str:
    """A form-encoded slash command invocation."""
    return urlencode(
        {
            "token": "playground",
            "team_id": TEAM_ID,
            "team_domain": "playground",
            "channel_id": channel,
            "channel_name": CHANNEL_NAME,
            "user_id": user_id,
            "user_name": user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def event_callback(event: dict[str, Any], event_id: str) -> str:
    """An Events API callback wrapping `event`, as JSON."""
    return json.dumps(
        {
            "token": "playground",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "is_ext_shared_channel": False,
        }
    )


def message_events(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The `message` event for a person's message, plus `app_mention` when it mentions the bot."""
    event = {
        "type": "message",
        "channel": message["channel"],
        "user": message["user"],
        "text": message["text"],
        "ts": message["ts"],
        "event_ts": message["ts"],
        "channel_type": "channel",
        "team": TEAM_ID,
    }
    if message.get("thread_ts"):
        event["thread_ts"] = message["thread_ts"]
    events = [event]
    if f"<@{BOT_USER_ID}>" in message["text"]:
        events.append({**event, "type": "app_mention"})
    return events


def block_actions(
    user_id: str,
    action: dict[str, Any],
    trigger_id: str,
    response_url: str,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    ephemeral: bool = False,
) -> str:
    """A form-encoded block_actions payload for one action in a message (or ephemeral) or a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "playground",
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": "playground"},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    if message is not None:
        # An ephemeral has no stored message: Slack marks the container and leaves `message` out,
        # so the response_url is the only way to replace or delete it.
        payload["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": message["channel"],
            "is_ephemeral": ephemeral,
        }
        if message.get("thread_ts"):
            payload["container"]["thread_ts"] = message["thread_ts"]
        payload["channel"] = {"id": message["channel"], "name": CHANNEL_NAME}
        if not ephemeral:
            payload["message"] = {k: message[k] for k in ("ts", "text", "blocks", "user")}
            payload["message"]["type"] = "message"
            if message.get("thread_ts"):
                payload["message"]["thread_ts"] = message["thread_ts"]
        payload["response_url"] = response_url
        payload["state"] = {"values": {}}
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
    return urlencode({"payload": json.dumps(payload)})


def view_submission(user_id: str, view: dict[str, Any], trigger_id: str) -> str:
    """A form-encoded view_submission payload; `view` already carries state.values."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "playground"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "playground",
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_closed(user_id: str, view: dict[str, Any]) -> str:
    """A form-encoded view_closed payload (sent only when the view asked with notify_on_close)."""
    payload = {
        "type": "view_closed",
        "team": {"id": TEAM_ID, "domain": "playground"},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "playground",
        "view": view,
        "is_cleared": False,
    }
    return urlencode({"payload": json.dumps(payload)})
