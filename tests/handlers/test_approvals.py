"""Proposing from Slack: the `/faultmaven run` modal, `@FaultMaven run` in a thread, and More info."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from jobs.actions.runtime import ActionRuntime
from tests.fakes.signing import interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import click, ephemerals_to, open_case, say


def fields(case: str, action: str, target: str, params: str = "", why: str = "") -> dict[str, Any]:
    def box(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value or None}

    return {
        "fm_propose_case": {"fm_propose_case_text": box(case)},
        "fm_propose_action_block": {"fm_propose_action_text": box(action)},
        "fm_propose_target": {"fm_propose_target_text": box(target)},
        "fm_propose_params": {"fm_propose_params_text": box(params)},
        "fm_propose_reason": {"fm_propose_reason_text": box(why)},
    }


def submit(web: TestClient, values: dict[str, Any], view_id: str = "V900") -> dict[str, Any]:
    payload = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W7"},
        "api_app_id": "A111",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": "fm_propose_action",
            "state": {"values": values},
        },
    }
    body = interactive_body(payload)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return response.json() if response.content else {}


def test_run_command_opens_the_propose_modal_prefilled(web: TestClient, slack: FakeSlackApi) -> None:
    body = slash_command_body("run restart_api checkout-7 FM-3", trigger_id="444.555.run")

    response = web.post("/slack/events", content=body, headers=signed_headers(body))

    assert response.status_code == 200
    [opened] = slack.calls_to("views.open")
    view = (
        json.loads(opened.params["view"]) if isinstance(opened.params["view"], str) else opened.params["view"]
    )
    assert view["callback_id"] == "fm_propose_action"
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert initial["fm_propose_case"] == "FM-3" and initial["fm_propose_action_block"] == "restart_api"
    assert initial["fm_propose_target"] == "checkout-7"


def test_modal_submission_proposes_and_bad_fields_get_errors_not_losses(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs)

    errors = submit(web, fields("FM-99", "restart_api", "checkout-7", "not a pair"))
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {"fm_propose_case", "fm_propose_params"}

    assert submit(web, fields("FM-1", "echo_restart", "checkout-7", "service=checkout", "OOM loop")) == {}
    assert submit(web, fields("FM-1", "echo_restart", "checkout-7", "service=checkout", "OOM loop")) == {}
    run_jobs()

    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.requester == "W7" and proposal.reason == "OOM loop"
    assert json.loads(proposal.parameters_json) == {"service": "checkout"} and proposal.status == "pending"
    assert action_runtime.repo.get(2) is None  # the same view submitted twice proposes once


def test_run_in_thread_without_a_target_explains_the_syntax(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)

    say(web, root_ts, "run restart_api", user="W5")
    run_jobs()

    assert any("I need an action and a target" in t for t in ephemerals_to(slack, "W5"))
    assert action_runtime.repo.get(1) is None


def test_more_info_opens_the_evidence_behind_the_proposal(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run restart_api checkout-7 because OOM loop")
    run_jobs()
    card_ts = action_runtime.repo.get(1).card_ts  # type: ignore[union-attr]
    assert card_ts is not None

    click(web, "fm_approval_info", "1", "W2", card_ts)
    click(web, "fm_approval_info", "77", "W3", card_ts)

    [opened] = slack.calls_to("views.open")
    view = json.dumps(opened.params["view"], ensure_ascii=False)
    assert "What the diagnosis believes" in view and "Seen in the case" in view and "OOM loop" in view
    run_jobs()  # the refusal is posted by a job, outside Slack's 3-second window
    assert any("can't find that request" in t for t in ephemerals_to(slack, "W3"))
