"""Buttons on "only visible to you" messages work in the playground as they do in Slack."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from bot.app import create_app
from bot.playground.playground import Playground
from bot.playground.web_api import call
from bot.playground.workspace import CHANNEL_ID, Workspace
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.bot.playground.test_playground import ALICE, BOB, Recorder
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi

BUTTON = {
    "type": "button",
    "action_id": "fm_pick",
    "value": "7",
    "text": {"type": "plain_text", "text": "Pick"},
}


@pytest.fixture
def live(settings: Settings, services: Services, slack: FakeSlackApi) -> Playground:
    web = create_web_app(services, create_app(settings, services))
    return Playground(
        slack.workspace, SIGNING_SECRET, "http://testserver", slack.origin, transport=httpx.ASGITransport(web)
    )


def test_ephemeral_button_sends_an_ephemeral_container_and_a_response_url_that_replaces_it() -> None:
    recorder = Recorder()
    ws = Workspace()
    playground = Playground(
        ws, SIGNING_SECRET, "http://bot", "http://api", transport=httpx.MockTransport(recorder)
    )
    blocks = [{"type": "actions", "block_id": "fm_list", "elements": [BUTTON]}]
    ephemeral = ws.add_ephemeral(CHANNEL_ID, ALICE, "only you", blocks)
    click = {"message_ts": ephemeral["ts"], "block_id": "fm_list", "action_id": "fm_pick"}

    assert asyncio.run(playground.block_action(ALICE, click))["ok"]
    assert asyncio.run(playground.block_action(BOB, click)) == {"ok": False, "error": "not_found"}

    (payload,) = recorder.payloads()
    assert payload["container"] == {
        "type": "message",
        "message_ts": ephemeral["ts"],
        "channel_id": CHANNEL_ID,
        "is_ephemeral": True,
    }
    assert "message" not in payload, "Slack does not send an ephemeral's content back"
    assert payload["actions"][0]["value"] == "7"
    target = payload["response_url"].rsplit("/", 1)[1]
    call(ws, f"response_url/{target}", {"text": "picked", "replace_original": True}, None)
    assert [e["text"] for e in ws.ephemerals] == ["picked"]
    call(ws, f"response_url/{target}", {"delete_original": True}, None)
    assert ws.ephemerals == []


def test_share_button_on_ephemeral_search_results_posts_the_runbook_in_the_channel(
    live: Playground,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    asyncio.run(live.command(ALICE, CHANNEL_ID, "search TLS certificate expired"))
    run_jobs()
    results = next(e for e in live.workspace.snapshot(ALICE)["ephemerals"] if e["blocks"])
    share = next(
        (block["block_id"], element)
        for block in results["blocks"]
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if element.get("action_id") == "fm_runbook_share"
    )

    clicked = asyncio.run(
        live.block_action(
            ALICE, {"message_ts": results["ts"], "block_id": share[0], "action_id": "fm_runbook_share"}
        )
    )
    run_jobs()

    assert clicked == {"ok": True, "status": 200}
    (card,) = [m for m in live.workspace.snapshot(BOB)["messages"] if m["channel"] == CHANNEL_ID]
    assert f"<@{ALICE}>" in str(card["blocks"]) and "RB-" in str(card["blocks"])
