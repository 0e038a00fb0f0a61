"""A risky action over the real processes: proposed, approved by two others, run, verified, rolled back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_POLICY
from tests.e2e.conftest import Stack, healthy
from tests.fakes.automation_receiver import AutomationReceiver
from tests.fakes.signing import event_body, interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_stack(stack: Stack, automation: AutomationReceiver) -> Iterator[Stack]:
    stack.env.update(
        FAULTMAVEN_EXECUTION_MODE="live",
        # Keyword-only search: this test is about actions, and the worker starts faster without the model.
        FAULTMAVEN_EMBEDDING="none",
        FAULTMAVEN_POLICY_FILE=str(TEST_POLICY),
        FAULTMAVEN_ACTION_WEBHOOK_URL=automation.url,
        FAULTMAVEN_ACTION_WEBHOOK_SECRET=automation.secret,
    )
    yield stack


def post(stack: Stack, body: str, content_type: str = "application/x-www-form-urlencoded") -> httpx.Response:
    return httpx.post(
        stack.url + "/slack/events",
        content=body,
        headers=signed_headers(body, content_type=content_type),
        timeout=5,
    )


def press(stack: Stack, action_id: str, value: str, user: str, message_ts: str) -> None:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"333.444.{user}.{message_ts}",
        "channel": {"id": "C111"},
        "container": {"type": "message", "channel_id": "C111", "message_ts": message_ts},
        "actions": [
            {"action_id": action_id, "block_id": "b1", "value": value, "action_ts": f"{message_ts}{user}"}
        ],
    }
    assert post(stack, interactive_body(payload)).status_code == 200


def message_with(slack: FakeSlackApi, root_ts: str, marker: str) -> list[dict[str, Any]]:
    return [m for m in slack.thread("C111", root_ts) if marker in json.dumps(m.get("blocks") or [])]


def test_risky_action_two_approvals_webhook_verify_and_rollback_over_real_processes(
    live_stack: Stack, slack: FakeSlackApi, automation: AutomationReceiver, tmp_path: Path
) -> None:
    stack = live_stack
    stack.start("serve", "--port", str(stack.port))
    stack.start("worker")
    poll_until(lambda: healthy(stack), timeout=30)
    assert (
        post(stack, slash_command_body("help checkout pods OOMKilled after the v42 deploy")).status_code
        == 200
    )
    root_ts = str(slack.wait_for_calls("chat.postMessage", 2, timeout=30)[1].params["thread_ts"])

    mention = {
        "type": "app_mention",
        "channel": "C111",
        "user": "W1",
        "ts": "1800000500.000100",
        "thread_ts": root_ts,
        "text": '<@U0FMBOT> run restart_api checkout-7 rollback="kubectl rollout undo deploy/checkout" '
        "because OOM",
    }
    assert post(stack, event_body(mention, "EvRun1"), "application/json").status_code == 200
    assert slack.wait_for(lambda: bool(message_with(slack, root_ts, "fm_approval_approve")), timeout=30), (
        stack.logs()
    )
    card_ts = str(message_with(slack, root_ts, "fm_approval_approve")[0]["ts"])

    press(stack, "fm_approval_approve", "1", "W1", card_ts)  # the requester: refused
    press(stack, "fm_approval_approve", "1", "W2", card_ts)
    press(stack, "fm_approval_approve", "1", "W3", card_ts)
    assert slack.wait_for(lambda: bool(message_with(slack, root_ts, "fm_action_fixed")), timeout=30), (
        stack.logs()
    )
    [run] = automation.executed()
    assert (
        run["action"] == "restart_api"
        and run["purpose"] == "execute"
        and sorted(run["approved_by"]) == ["W2", "W3"]
    )
    assert all(d.signature_ok for d in automation.deliveries)

    result_ts = str(message_with(slack, root_ts, "fm_action_fixed")[0]["ts"])
    press(stack, "fm_action_fixed", "1", "W2", result_ts)
    assert slack.wait_for(
        lambda: "Confirmed fixed" in json.dumps(slack.messages[result_ts]["blocks"]), timeout=30
    )

    press(stack, "fm_action_rollback", "1", "W2", result_ts)

    def rollback_cards() -> list[dict[str, Any]]:
        return [m for m in message_with(slack, root_ts, "fm_approval_approve") if m["ts"] != card_ts]

    assert slack.wait_for(lambda: bool(rollback_cards()), timeout=30), stack.logs()
    rollback_card = str(rollback_cards()[0]["ts"])
    press(stack, "fm_approval_approve", "2", "W3", rollback_card)
    assert slack.wait_for(lambda: len(automation.executed()) == 2, timeout=30), stack.logs()
    undo = automation.executed()[1]
    assert undo["purpose"] == "rollback" and undo["command"] == "kubectl rollout undo deploy/checkout"
    assert slack.wait_for(
        lambda: "Rolled back" in json.dumps(slack.messages[result_ts]["blocks"]), timeout=30
    )

    verify = [sys.executable, "-m", "bot.cli", "audit", "verify"]
    intact = subprocess.run(verify, env=stack.env, capture_output=True, text=True, timeout=60)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    with sqlite3.connect(tmp_path / "fm.db") as db:
        db.execute("UPDATE audit_log SET actor = 'W9' WHERE kind = 'action_approved'")
    tampered = subprocess.run(verify, env=stack.env, capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1 and "TAMPERED" in tampered.stdout + tampered.stderr
