"""Every click and view submission goes through the SQL outbox: none is lost while Redis is down."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot.app import create_app
from bot.blocks.runbook_forms import EDIT_FIELDS
from bot.ids import Ids
from bot.services import Services, build_services
from bot.settings import Settings
from bot.web import create_web_app
from jobs.actions.runtime import ActionRuntime
from jobs.cases.intake import NewCaseRequest, sweep_outbox
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.signing import event_body, interactive_body, signed_headers
from tests.jobs.actions.action_helpers import outbox_keys

# Button, value, the job its click must leave in the outbox.
CLICKS = [
    (Ids.RUNBOOK_SHARE_BUTTON, "1", "share_runbook"),
    (Ids.RUNBOOK_CREATE_BUTTON, "1", "create_runbook_draft"),
    (Ids.RUNBOOK_DECLINE_BUTTON, "1", "decline_runbook_offer"),
    (Ids.RUNBOOK_APPROVE_BUTTON, "1", "review_runbook_draft"),
    (Ids.RUNBOOK_REJECT_BUTTON, "1", "review_runbook_draft"),
    (Ids.RUNBOOK_WORKED_BUTTON, "1:1", "record_runbook_vote"),
    (Ids.RUNBOOK_FAILED_BUTTON, "1:1", "record_runbook_vote"),
    # Run… opens a modal inline; for a case that does not exist the refusal is a job.
    (Ids.ACTION_RUN_BUTTON, "1:0123456789ab", "tell_user"),
    (Ids.APPROVAL_APPROVE_BUTTON, "1", "record_vote"),
    (Ids.APPROVAL_INFO_BUTTON, "1", "tell_user"),  # no such request: the refusal is a job too
    (Ids.ACTION_ROLLBACK_BUTTON, "1", "propose_rollback"),
    (Ids.ACTION_UNDO_BUTTON, "1", "propose_rollback"),
    (Ids.ACTION_FIXED_BUTTON, "1", "record_fix_answer"),
    (Ids.ACTION_NOT_FIXED_BUTTON, "1", "record_fix_answer"),
]


def click_body(action_id: str, value: str, n: int) -> str:
    return interactive_body(
        {
            "type": "block_actions",
            "user": {"id": "W1"},
            "trigger_id": f"55.66.{n}",
            "channel": {"id": "C111"},
            "container": {"type": "message", "channel_id": "C111", "message_ts": "1700.1"},
            "actions": [{"action_id": action_id, "block_id": "b", "value": value, "action_ts": f"1800.{n}"}],
        }
    )


def submission_body(callback_id: str, values: dict[str, dict[str, Any]], metadata: dict[str, Any]) -> str:
    view = {
        "id": f"V{callback_id}",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata),
        "state": {"values": values},
    }
    return interactive_body({"type": "view_submission", "user": {"id": "W1"}, "view": view})


def typed(block: Ids, action: Ids, text: str) -> dict[str, dict[str, Any]]:
    return {block.value: {action.value: {"type": "plain_text_input", "value": text}}}


SUBMISSIONS = [
    (
        submission_body(
            Ids.RUNBOOK_EDIT_MODAL.value,
            {
                k: v
                for name, block in EDIT_FIELDS.items()
                for k, v in typed(block, Ids.RUNBOOK_EDIT_INPUT, name).items()
            },
            {"runbook_id": 1, "channel_id": "C111"},
        ),
        "save_runbook_edit",
    ),
    (
        submission_body(
            Ids.RUNBOOK_FIX_MODAL.value,
            typed(Ids.RUNBOOK_FIX_CAUSE, Ids.RUNBOOK_EDIT_INPUT, "a full disk")
            | typed(Ids.RUNBOOK_FIX_FIX, Ids.RUNBOOK_EDIT_INPUT, "rotate the logs"),
            {"case_id": 1, "channel_id": "C111"},
        ),
        "create_runbook_draft_with_fix",
    ),
    (
        submission_body(
            Ids.PROPOSE_MODAL.value,
            typed(Ids.PROPOSE_CASE_BLOCK, Ids.PROPOSE_CASE_INPUT, "FM-1")
            | typed(Ids.PROPOSE_ACTION_BLOCK, Ids.PROPOSE_ACTION_INPUT, "restart_api")
            | typed(Ids.PROPOSE_TARGET_BLOCK, Ids.PROPOSE_TARGET_INPUT, "checkout-7"),
            {},
        ),
        "propose_action",
    ),
    (
        submission_body(
            Ids.RUN_ACTION_MODAL.value,
            typed(Ids.RUN_COMMAND_BLOCK, Ids.RUN_COMMAND_INPUT, "kubectl rollout restart deploy/checkout")
            | typed(Ids.RUN_TARGET_BLOCK, Ids.RUN_TARGET_INPUT, "deployment/checkout"),
            {"case_id": 1, "key": "0123456789ab", "channel_id": "C111"},
        ),
        "propose_submitted_action",
    ),
    (
        submission_body(
            Ids.APPROVAL_DENY_MODAL.value,
            typed(Ids.APPROVAL_DENY_REASON_BLOCK, Ids.APPROVAL_DENY_REASON_INPUT, "change freeze"),
            {"proposal_id": 1, "channel_id": "C111", "message_ts": "1700.1", "click_ts": "1800.99"},
        ),
        "record_vote",
    ),
]


@pytest.fixture
def redis_down_web(settings: Settings) -> tuple[TestClient, Services]:
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    down = build_services(broken)
    return TestClient(create_web_app(down, create_app(broken, down))), down


def test_every_click_and_submission_while_redis_is_down_is_recorded_then_run_once_it_is_back(
    redis_down_web: tuple[TestClient, Services],
    services: Services,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    web, down = redis_down_web
    job_context.runbooks = runbook_library
    down.intake.open_case(
        NewCaseRequest(
            dedupe_key="m:1", source="mention", channel_id="C111", reporter_id="W2", text="disk full"
        )
    )
    bodies = [click_body(action.value, value, n) for n, (action, value, _) in enumerate(CLICKS)]
    bodies += [body for body, _ in SUBMISSIONS]
    mention = {
        "type": "app_mention",
        "channel": "C111",
        "user": "W1",
        "text": "<@U0FMBOT> audit",
        "ts": "7.7",
    }

    for body in bodies:
        response = web.post("/slack/events", content=body, headers=signed_headers(body))
        assert response.status_code == 200 and "Something went wrong" not in response.text, body[:200]
    mention_body = event_body(mention)
    web.post(
        "/slack/events",
        content=mention_body,
        headers=signed_headers(mention_body, content_type="application/json"),
    )

    recorded = [key.split(":")[0] for key in outbox_keys(services)]
    expected = [
        "diagnose_case",
        *(job for _, _, job in CLICKS),
        *(job for _, job in SUBMISSIONS),
        "tell_user",
    ]
    assert sorted(recorded) == sorted(expected)

    # Redis is back: the sweeper enqueues every recorded job, and each job claims its row when it runs.
    assert sweep_outbox(services.cases, services.queue, grace=timedelta(0)) == len(expected)
    run_jobs()
    assert services.cases.unclaimed_jobs(older_than=timedelta(0)) == []
