"""Playground actions become correctly signed Slack requests to the real app, and the page state follows."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.app import create_app
from bot.playground.playground import Playground
from bot.playground.routes import playground_routes
from bot.playground.workspace import BOT_USER_ID, CHANNEL_ID, Workspace
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi

ALICE, BOB = "U0ALICE", "U0BOB"


class Recorder:
    """A stand-in for the bot's web process that keeps what arrives and checks Slack's signature."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = request.content.decode()
        assert SignatureVerifier(SIGNING_SECRET).is_valid_request(body, dict(request.headers))
        return httpx.Response(200)

    def payloads(self) -> list[dict[str, Any]]:
        found = []
        for request in self.requests:
            body = request.content.decode()
            if request.headers["content-type"] == "application/json":
                found.append(json.loads(body))
            else:
                form = {k: v[0] for k, v in parse_qs(body).items()}
                found.append(json.loads(form["payload"]) if "payload" in form else form)
        return found


@pytest.fixture
def recorded() -> tuple[Playground, Recorder]:
    recorder = Recorder()
    playground = Playground(
        Workspace(), SIGNING_SECRET, "http://bot", "http://api", transport=httpx.MockTransport(recorder)
    )
    return playground, recorder


@pytest.fixture
def live(settings: Settings, services: Services, slack: FakeSlackApi) -> Playground:
    """The playground in front of the real web app (Bolt inside Starlette), with the bot's Slack calls
    answered by the same workspace the playground shows."""
    web = create_web_app(services, create_app(settings, services))
    return Playground(
        slack.workspace, SIGNING_SECRET, "http://testserver", slack.origin, transport=httpx.ASGITransport(web)
    )


def test_thread_reply_sends_message_event_and_mention_sends_app_mention_too(
    recorded: tuple[Playground, Recorder],
) -> None:
    playground, recorder = recorded
    root = playground.workspace.add_message(CHANNEL_ID, BOT_USER_ID, "case", bot_id="B0FMBOT")

    asyncio.run(playground.message(BOB, CHANNEL_ID, "@FaultMaven memory limit is 512Mi", root["ts"]))

    events = [p["event"] for p in recorder.payloads()]
    assert [e["type"] for e in events] == ["message", "app_mention"]
    assert events[0]["text"] == f"<@{BOT_USER_ID}> memory limit is 512Mi"
    assert events[0]["thread_ts"] == root["ts"] and events[0]["user"] == BOB
    assert playground.workspace.thread(CHANNEL_ID, root["ts"])[0]["user"] == BOB


def test_button_click_sends_block_actions_built_from_the_stored_message(
    recorded: tuple[Playground, Recorder],
) -> None:
    playground, recorder = recorded
    button = {
        "type": "button",
        "action_id": "fm_approve",
        "value": "case-1",
        "style": "primary",
        "text": {"type": "plain_text", "text": "Approve"},
    }
    message = playground.workspace.add_message(
        CHANNEL_ID,
        BOT_USER_ID,
        "approve?",
        bot_id="B0FMBOT",
        blocks=[{"type": "actions", "block_id": "fm_actions", "elements": [button]}],
    )

    result = asyncio.run(
        playground.block_action(
            ALICE, {"message_ts": message["ts"], "block_id": "fm_actions", "action_id": "fm_approve"}
        )
    )
    forged = asyncio.run(
        playground.block_action(
            ALICE, {"message_ts": message["ts"], "block_id": "fm_actions", "action_id": "fm_delete_prod"}
        )
    )

    assert result["ok"] and forged == {"ok": False, "error": "unknown_action"}
    (payload,) = recorder.payloads()
    assert payload["type"] == "block_actions" and payload["user"]["id"] == ALICE
    assert payload["actions"][0]["value"] == "case-1" and payload["actions"][0]["style"] == "primary"
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": CHANNEL_ID,
        "is_ephemeral": False,
    }
    assert payload["trigger_id"] in playground.workspace.triggers


def test_help_command_answers_ephemerally_and_the_worker_posts_into_the_playground(
    live: Playground, services: Services, run_jobs: Callable[[], None]
) -> None:
    result = asyncio.run(live.command(ALICE, CHANNEL_ID, "help checkout pods OOMKilled since the deploy"))

    assert result == {"ok": True, "status": 200}
    (ephemeral,) = live.workspace.snapshot(ALICE)["ephemerals"]
    assert ephemeral["text"].startswith("Opening case FM-1")
    case = services.cases.get(1)
    assert case is not None and case.reporter_id == ALICE

    run_jobs()
    snapshot = live.workspace.snapshot(BOB)
    root = snapshot["messages"][0]
    assert "FM-1 · checkout pods OOMKilled" in str(root["blocks"])
    assert root["reply_count"] >= 1
    assert "Diagnosis for FM-1" in str(live.workspace.thread(CHANNEL_ID, root["ts"]))
    assert snapshot["ephemerals"] == []

    # Evidence that moves the diagnosis gets a follow-up (a repeat of the report would get only 👀).
    new_evidence = "2024-05-02T14:05:11Z FATAL: sorry, too many clients already (max_connections=100)"
    asyncio.run(live.message(BOB, CHANNEL_ID, new_evidence, root["ts"]))
    run_jobs()
    assert "Updated diagnosis" in str(live.workspace.thread(CHANNEL_ID, root["ts"]))


def test_report_modal_opens_for_the_user_and_submitting_it_opens_a_case(
    live: Playground, services: Services
) -> None:
    asyncio.run(live.command(BOB, CHANNEL_ID, ""))
    modal = live.workspace.modal_for(BOB)
    assert modal is not None and modal["callback_id"] == "fm_report_problem"
    assert live.workspace.modal_for(ALICE) is None

    empty = asyncio.run(live.submit_view(BOB, modal["id"], {}))
    assert "fm_problem" in empty["errors"]
    values = {
        "fm_problem": {"fm_problem_text": "disk full on db-3"},
        "fm_severity": {"fm_severity_select": "high"},
    }
    assert asyncio.run(live.submit_view(BOB, modal["id"], values)) == {"ok": True}

    assert live.workspace.modal_for(BOB) is None
    case = services.cases.get(1)
    assert case is not None and case.severity == "high" and case.reporter_id == BOB


def test_page_routes_refuse_other_hosts_and_non_json_posts(recorded: tuple[Playground, Recorder]) -> None:
    playground, _ = recorded
    page = TestClient(Starlette(routes=playground_routes(playground)), base_url="http://127.0.0.1:3000")

    assert page.get("/playground").status_code == 200
    assert page.get("/playground/state?user=U0BOB").json()["users"][1]["id"] == "U0BOB"
    assert page.get("/playground/state", headers={"host": "evil.example"}).status_code == 403
    cross_site = page.post(
        "/playground/send", json={"kind": "message"}, headers={"origin": "http://evil.example"}
    )
    assert cross_site.status_code == 403
    assert page.post("/playground/send", content="kind=message").status_code == 415
    assert page.post("/playground/send", json={"kind": "incident"}).json()["ok"] is False
