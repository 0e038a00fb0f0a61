"""Driving runbook review as Slack would: signed clicks (in a thread or an ephemeral), slash commands and
modal submissions through the real app."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from starlette.testclient import TestClient

from tests.fakes.signing import interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi

_ids = count(1)


def press(
    web: TestClient,
    action_id: str,
    value: str,
    user: str,
    channel: str = "C111",
    ephemeral: bool = False,
) -> None:
    """A signed block_actions click; `ephemeral`: on an "only visible to you" message."""
    n = next(_ids)
    container: dict[str, Any] = {"type": "message", "channel_id": channel, "message_ts": f"1700.{n}"}
    if ephemeral:
        container["is_ephemeral"] = True
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"555.666.{n}",
        "channel": {"id": channel},
        "container": container,
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "action_ts": f"1710.{n}"}],
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200


def slash(web: TestClient, text: str, user: str, channel: str = "C111") -> Any:
    """`/faultmaven <text>`, signed."""
    body = slash_command_body(text, trigger_id=f"777.888.{next(_ids)}", user_id=user, channel_id=channel)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return response


def opened_view(slack: FakeSlackApi) -> dict[str, Any]:
    """The view of the latest views.open call."""
    view = slack.calls_to("views.open")[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def submit(
    web: TestClient, view: dict[str, Any], texts: dict[str, str], user: str, view_id: str = "V0EDIT1"
) -> dict[str, Any]:
    """Submit a modal the bot opened, typing `texts` (block_id → text) into its inputs."""
    values = {
        block["block_id"]: {block["element"]["action_id"]: {"type": "plain_text_input", "value": text}}
        for block in view["blocks"]
        if block.get("type") == "input"
        for text in [texts.get(block["block_id"], block["element"].get("initial_value", ""))]
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": user},
        "api_app_id": "A111",
        "trigger_id": f"999.000.{next(_ids)}",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""),
            "state": {"values": values},
        },
    }
    body = interactive_body(payload)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return response.json() if response.content else {}
