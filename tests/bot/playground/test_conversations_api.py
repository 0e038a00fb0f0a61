"""conversations.list and conversations.join answer like Slack; the page learns channel names."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.playground.playground import Playground
from bot.playground.routes import playground_routes
from bot.playground.workspace import Workspace
from tests.bot.playground.test_web_api import error, ok
from tests.fakes.signing import SIGNING_SECRET


def test_list_pages_with_a_cursor_and_shows_only_what_a_bot_sees() -> None:
    ws = Workspace()

    first = ok(ws, "conversations.list", types="public_channel,private_channel", limit="2")
    cursor = first["response_metadata"]["next_cursor"]
    rest = ok(ws, "conversations.list", types="public_channel,private_channel", limit="2", cursor=cursor)
    public_only = ok(ws, "conversations.list", exclude_archived="true")

    names = [c["name"] for c in first["channels"] + rest["channels"]]
    assert len(first["channels"]) == 2 and cursor
    assert rest["response_metadata"]["next_cursor"] == ""
    assert sorted(names) == ["db-oncall", "incidents", "outage-2023-11", "platform"], "secops is private"
    assert "outage-2023-11" not in [c["name"] for c in public_only["channels"]]
    assert error(ws, "conversations.list", cursor="bm9wZQ==") == "invalid_cursor"
    assert error(ws, "conversations.list", types="everything") == "invalid_types"


def test_join_and_post_refuse_private_and_archived_channels() -> None:
    ws = Workspace()

    assert ok(ws, "conversations.join", channel="C0DBONCALL")["channel"]["is_member"] is True
    assert error(ws, "conversations.join", channel="G0SECOPS") == "channel_not_found"
    assert error(ws, "conversations.join", channel="C0OLDOUTAGE") == "is_archived"
    assert error(ws, "chat.postMessage", channel="G0SECOPS", text="hi") == "channel_not_found"
    assert error(ws, "chat.postMessage", channel="C0OLDOUTAGE", text="hi") == "is_archived"
    ws.channels["G0SECOPS"].is_member = True
    listed = ok(ws, "conversations.list", types="private_channel")["channels"]
    assert [c["name"] for c in listed] == ["secops"]


def test_page_state_names_every_channel() -> None:
    playground = Playground(Workspace(), SIGNING_SECRET, "http://bot", "http://api")
    page = TestClient(Starlette(routes=playground_routes(playground)), base_url="http://127.0.0.1:3000")

    channels = page.get("/playground/state?user=U0ALICE").json()["channels"]

    assert {"id": "C0DBONCALL", "name": "db-oncall"}.items() <= next(
        c for c in channels if c["id"] == "C0DBONCALL"
    ).items()
