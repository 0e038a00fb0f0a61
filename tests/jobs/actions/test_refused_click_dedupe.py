"""A refused click never blocks the same person's later valid click; a redelivered click counts once."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.actions.runtime import ActionRuntime
from tests.fakes.signing import interactive_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import CHANNEL, ephemerals_to, open_case, outbox_keys, say


def approve_click_body(user: str, card_ts: str, action_ts: str) -> str:
    return interactive_body(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T111"},
            "api_app_id": "A111",
            "trigger_id": f"333.444.{action_ts}",
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "channel_id": CHANNEL, "message_ts": card_ts},
            "message": {"ts": card_ts},
            "actions": [
                {"action_id": "fm_approval_approve", "block_id": "b1", "value": "1", "action_ts": action_ts}
            ],
        }
    )


def deliver(web: TestClient, body: str) -> None:
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200


def test_a_refused_approve_does_not_swallow_the_same_persons_later_valid_click(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    slack.usergroups["S0SRE"] = []
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run failover_db orders-db because primary unreachable")
    run_jobs()
    card_ts = action_runtime.repo.get(1).card_ts  # type: ignore[union-attr]
    assert card_ts is not None

    refused = approve_click_body("W9", card_ts, "1700000001.1")
    deliver(web, refused)
    deliver(web, refused)  # Slack (or Socket Mode) delivering that very click again
    run_jobs()
    assert [k for k in outbox_keys(services) if k.startswith("record_vote:")] == [
        "record_vote:1:W9:approve:" + card_ts.replace(".", "-") + ":1700000001-1"
    ]
    assert sum("W0SRE1" in t for t in ephemerals_to(slack, "W9")) == 1  # refused once, not twice
    assert action_runtime.repo.get(1).status == "pending"  # type: ignore[union-attr]

    slack.usergroups["S0SRE"] = ["W9"]  # W9 joins the on-call group, then clicks Approve again
    deliver(web, approve_click_body("W9", card_ts, "1700000042.1"))
    run_jobs()

    assert [v.voter for v in action_runtime.repo.votes(1)] == ["W9"]
    assert action_runtime.repo.get(1).status == "succeeded"  # type: ignore[union-attr]
