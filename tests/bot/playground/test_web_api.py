"""The Web API stand-in answers like Slack: validation, auth, in-place updates, views, response_urls."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playground.server import LocalSlackApi
from bot.playground.web_api import call
from bot.playground.workspace import BOT_USER_ID, CHANNEL_ID, Workspace

TOKEN = "xoxb-playground-test"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}


def ok(ws: Workspace, method: str, **params: Any) -> dict[str, Any]:
    reply = call(ws, method, params, TOKEN)
    assert reply.body["ok"], reply.body
    return reply.body


def error(ws: Workspace, method: str, **params: Any) -> str:
    reply = call(ws, method, params, TOKEN)
    assert not reply.body["ok"]
    return str(reply.body["error"])


def test_calls_without_the_bot_token_are_refused_like_slack() -> None:
    ws = Workspace(bot_token=TOKEN)

    assert call(ws, "auth.test", {}, None).body == {"ok": False, "error": "not_authed"}
    assert call(ws, "auth.test", {}, "xoxb-other").body == {"ok": False, "error": "invalid_auth"}
    assert call(ws, "auth.test", {}, TOKEN).body["user_id"] == BOT_USER_ID


def test_post_message_validates_like_slack_and_fills_block_ids() -> None:
    ws = Workspace(bot_token=TOKEN)

    assert error(ws, "chat.postMessage", text="hi") == "channel_not_found"
    assert error(ws, "chat.postMessage", channel=CHANNEL_ID) == "no_text"
    assert error(ws, "chat.postMessage", channel=CHANNEL_ID, blocks=json.dumps([{"text": "x"}])) == (
        "invalid_blocks"
    )
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    assert error(ws, "chat.postMessage", channel=CHANNEL_ID, blocks=[too_long]) == "invalid_blocks"
    assert error(ws, "chat.postMessage", channel=CHANNEL_ID, blocks=[SECTION] * 51) == "invalid_blocks"

    posted = ok(ws, "chat.postMessage", channel=CHANNEL_ID, text="hi", blocks=json.dumps([SECTION]))
    assert ws.messages[posted["ts"]]["blocks"] == [{**SECTION, "block_id": "blk0"}]
    assert error(ws, "nope.nothing") == "unknown_method"


def test_update_replaces_a_bot_message_in_place_and_bumps_the_version() -> None:
    ws = Workspace(bot_token=TOKEN)
    root = ok(ws, "chat.postMessage", channel=CHANNEL_ID, text="root")
    reply = ok(ws, "chat.postMessage", channel=CHANNEL_ID, text="Investigating…", thread_ts=root["ts"])
    before = ws.version

    ok(ws, "chat.update", channel=CHANNEL_ID, ts=reply["ts"], text="Diagnosis", blocks=[SECTION])

    assert ws.version > before
    assert [m["text"] for m in ws.thread(CHANNEL_ID, root["ts"])] == ["Diagnosis"]
    assert ws.messages[reply["ts"]]["edits"] == 1
    assert ws.snapshot("U0ALICE")["messages"][0]["reply_count"] == 1
    person = ws.add_message(CHANNEL_ID, "U0ALICE", "mine")
    assert error(ws, "chat.update", channel=CHANNEL_ID, ts=person["ts"], text="x") == "cant_update_message"
    assert error(ws, "chat.update", channel=CHANNEL_ID, ts="1.2", text="x") == "message_not_found"


def test_ephemeral_messages_are_shown_only_to_their_user() -> None:
    ws = Workspace(bot_token=TOKEN)

    ok(ws, "chat.postEphemeral", channel=CHANNEL_ID, user="U0BOB", text="psst")

    assert [e["text"] for e in ws.snapshot("U0BOB")["ephemerals"]] == ["psst"]
    assert ws.snapshot("U0ALICE")["ephemerals"] == []


def test_views_open_on_the_screen_of_the_user_whose_trigger_it_is() -> None:
    ws = Workspace(bot_token=TOKEN)
    trigger = ws.new_trigger("U0CAROL")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Form"}, "blocks": [SECTION]}

    opened = ok(ws, "views.open", trigger_id=trigger, view=json.dumps(modal))["view"]
    pushed = ok(ws, "views.push", trigger_id=ws.new_trigger("U0CAROL"), view=modal)["view"]

    assert ws.modal_for("U0CAROL") == pushed
    assert pushed["previous_view_id"] == opened["id"]
    assert ws.modal_for("U0ALICE") is None
    ok(
        ws,
        "views.update",
        view_id=opened["id"],
        view={**modal, "title": {"type": "plain_text", "text": "New"}},
    )
    assert ws.views[opened["id"]]["title"]["text"] == "New"
    ws.close_modal("U0CAROL", pushed["id"])
    assert ws.modal_for("U0CAROL") == ws.views[opened["id"]]
    assert error(ws, "views.open", trigger_id=trigger, view={"type": "modal"}) == "invalid_arguments"


def test_views_publish_sets_the_users_home_tab() -> None:
    ws = Workspace(bot_token=TOKEN)

    ok(ws, "views.publish", user_id="U0DEV", view={"type": "home", "blocks": [SECTION]})

    assert ws.snapshot("U0DEV")["home"]["blocks"][0]["text"]["text"] == "*hello*"
    assert ws.snapshot("U0ALICE")["home"] is None


def test_response_url_posts_ephemerally_or_in_channel_or_replaces_the_original() -> None:
    ws = Workspace(bot_token=TOKEN)
    original = ok(ws, "chat.postMessage", channel=CHANNEL_ID, text="pick one")
    target = ws.new_response_target("U0ALICE", CHANNEL_ID, original["ts"])

    call(ws, f"response_url/{target}", {"text": "just you"}, None)
    call(ws, f"response_url/{target}", {"text": "everyone", "response_type": "in_channel"}, None)
    call(ws, f"response_url/{target}", {"text": "picked", "replace_original": True}, None)

    assert [e["text"] for e in ws.ephemerals] == ["just you"]
    assert sorted(m["text"] for m in ws.messages.values()) == ["everyone", "picked"]


def test_keep_caps_what_a_long_running_playground_remembers() -> None:
    ws = Workspace(bot_token=TOKEN, keep=5)

    for n in range(20):
        ok(ws, "chat.postMessage", channel=CHANNEL_ID, text=f"m{n}")

    assert len(ws.messages) == 5 and len(ws.calls) == 5
    assert sorted(m["text"] for m in ws.messages.values()) == [f"m{n}" for n in range(15, 20)]


def test_the_real_web_client_talks_to_the_threaded_server_and_sees_slack_errors() -> None:
    api = LocalSlackApi(Workspace(bot_token=TOKEN)).start()
    try:
        client = WebClient(token=TOKEN, base_url=api.base_url)
        posted = client.chat_postMessage(channel=CHANNEL_ID, text="hello", blocks=[SECTION])
        assert api.messages[posted["ts"]]["text"] == "hello"
        try:
            WebClient(token="xoxb-wrong", base_url=api.base_url).auth_test()
            raise AssertionError("expected invalid_auth")
        except SlackApiError as failure:
            assert failure.response["error"] == "invalid_auth"
    finally:
        api.stop()
