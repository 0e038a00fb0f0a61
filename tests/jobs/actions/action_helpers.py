"""Driving the actions flow as Slack would: signed thread messages and button clicks through the real app."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import count
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from storage.db import make_session_factory
from storage.models import OutboxEntry
from tests.fakes.signing import event_body, interactive_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi

CHANNEL = "C111"
REPORT = "checkout-7 pods OOMKilled in a restart loop since the v42 deploy; memory limit 512Mi"
_ids = count(1)


def open_case(services: Services, run_jobs: Callable[[], None], text: str = REPORT, key: str = "a") -> str:
    """A diagnosed case in C111; returns its thread ts."""
    result = services.intake.open_case(
        NewCaseRequest(
            dedupe_key=f"slash:{key}", source="slash", channel_id=CHANNEL, reporter_id="W1", text=text
        )
    )
    run_jobs()
    case = services.cases.get(result.case_id)
    assert case is not None and case.root_ts is not None
    return case.root_ts


def say(web: TestClient, root_ts: str, text: str, user: str = "W1", team_id: str = "T111") -> str:
    """`@FaultMaven <text>` in the thread, delivered as Slack does: a message and an app_mention."""
    n = next(_ids)
    ts = f"1800000{n:03d}.000100"
    base = {"channel": CHANNEL, "user": user, "text": f"<@U0FMBOT> {text}", "ts": ts, "thread_ts": root_ts}
    for kind in ("message", "app_mention"):
        body = event_body({**base, "type": kind}, f"Ev{kind}{n}", team_id=team_id)
        response = web.post(
            "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
        )
        assert response.status_code == 200
    return ts


def click(
    web: TestClient,
    action_id: str,
    value: str,
    user: str,
    message_ts: str,
    channel: str = CHANNEL,
    expect: int = 200,
    team_id: str = "T111",
) -> None:
    """A signed block_actions click on a button of the message `message_ts`, answered with `expect`."""
    n = next(_ids)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": team_id},
        "api_app_id": "A111",
        "trigger_id": f"333.444.{n}",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": message_ts},
        "message": {"ts": message_ts},
        "actions": [
            {"action_id": action_id, "block_id": "b1", "value": value, "action_ts": f"17000000{n}.1"}
        ],
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == expect


def blocks_of(slack: FakeSlackApi, ts: str) -> str:
    """A message's blocks as JSON text, for `in` checks."""
    return json.dumps(slack.messages[ts].get("blocks") or [], ensure_ascii=False)


def ephemerals_to(slack: FakeSlackApi, user: str) -> list[str]:
    """Texts of the ephemeral messages a user was shown."""
    return [
        str(c.params["text"]) for c in slack.calls_to("chat.postEphemeral") if c.params.get("user") == user
    ]


def thread_texts(slack: FakeSlackApi, root_ts: str) -> list[str]:
    """Fallback texts of the thread's messages, oldest first."""
    return [str(m["text"]) for m in slack.thread(CHANNEL, root_ts)]


def outbox_keys(services: Services) -> list[str]:
    """Every job key recorded in the SQL outbox, oldest first."""
    with make_session_factory(services.db)() as session:
        return list(session.scalars(select(OutboxEntry.job_key).order_by(OutboxEntry.id)))


def deny_with_reason(
    web: TestClient, slack: FakeSlackApi, card_ts: str, user: str, reason: str, proposal: str = "1"
) -> None:
    """Click Deny on the card (a modal asking why opens), then submit it with `reason`, as Slack would."""
    opened = len(slack.calls_to("views.open"))
    click(web, "fm_approval_deny", proposal, user, card_ts)
    calls = slack.calls_to("views.open")
    assert len(calls) == opened + 1, "Deny asks for a reason before deciding anything"
    raw = calls[-1].params["view"]
    view = json.loads(raw) if isinstance(raw, str) else dict(raw)
    assert view["callback_id"] == "fm_approval_deny_modal"
    payload = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": user},
        "api_app_id": "A111",
        "view": {
            "id": f"VDENY{next(_ids)}",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {
                "values": {
                    "fm_approval_deny_reason": {
                        "fm_approval_deny_reason_text": {"type": "plain_text_input", "value": reason}
                    }
                }
            },
        },
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200
