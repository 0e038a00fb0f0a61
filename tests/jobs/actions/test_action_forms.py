"""Run… through the real app and worker: a pre-filled modal, placeholders refused, production database
changes approved by people, honest dry runs, mentions, withdrawal on resolve."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from engine.models import Diagnosis, RecommendedAction
from jobs.actions.runtime import ActionRuntime
from tests.fakes.signing import interactive_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import CHANNEL, blocks_of, click, open_case, say, thread_texts

POSTGRES = "prod postgres primary at max_connections, app logs 'too many connections'"


def recommended(
    services: Services, wanted: Callable[[RecommendedAction], bool]
) -> tuple[RecommendedAction, str]:
    """A recommended action of case 1 and the message its Run… button is on."""
    case = services.cases.get(1)
    assert case is not None and case.diagnosis_json is not None and case.progress_ts is not None
    actions = Diagnosis.model_validate_json(case.diagnosis_json).recommended_actions
    found = [a for a in actions if wanted(a)]
    assert found, [(a.title, a.command, a.rollback) for a in actions]
    return found[0], case.progress_ts


def database_config_change(action: RecommendedAction) -> bool:
    return any(word in action.command.upper() for word in ("ALTER SYSTEM", "SET GLOBAL"))


def every_parameter(view: dict[str, Any]) -> str:
    """The modal's parameter lines (`name=`), each given a value."""
    lines = str(initial_values(view)["fm_run_params"] or "").splitlines()
    return "\n".join(f"{line}value{n}" for n, line in enumerate(lines))


def opened_view(slack: FakeSlackApi) -> dict[str, Any]:
    view = slack.calls_to("views.open")[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def initial_values(view: dict[str, Any]) -> dict[str, str | None]:
    return {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}


def submit(
    web: TestClient, view: dict[str, Any], edits: dict[str, str], view_id: str = "V1"
) -> dict[str, Any]:
    """Submit the opened modal as Slack would, with some fields edited."""
    values = {
        block_id: {f"{block_id}_text": {"type": "plain_text_input", "value": edits.get(block_id, initial)}}
        for block_id, initial in initial_values(view).items()
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W7"},
        "api_app_id": "A111",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
        },
    }
    body = interactive_body(payload)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return response.json() if response.content else {}


def test_run_opens_a_prefilled_modal_and_a_production_database_change_needs_approval(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs, text=POSTGRES)
    action, message_ts = recommended(services, database_config_change)

    click(web, "fm_action_run", f"1:{action.key}", "W7", message_ts)
    view = opened_view(slack)
    initial = initial_values(view)

    assert view["callback_id"] == "fm_run_action_modal"
    assert initial["fm_run_command"] == action.command and "<" in str(initial["fm_run_target"])
    assert str(initial["fm_run_params"]).endswith("=")
    policy = next(b for b in view["blocks"] if b.get("block_id") == "fm_run_action_policy")
    assert "environment *production*" in policy["text"]["text"] and "hard" in policy["text"]["text"]

    refused = submit(web, view, {})
    assert refused["response_action"] == "errors" and "Fill in <" in refused["errors"]["fm_run_target"]
    run_jobs()
    assert action_runtime.repo.get(1) is None

    assert submit(web, view, {"fm_run_params": every_parameter(view)}, view_id="V2") == {}
    run_jobs()

    proposal = action_runtime.repo.get(1)
    assert proposal is not None and "<" not in proposal.target + proposal.command
    assert proposal.action == action.title and "value" in proposal.target
    assert proposal.level == "hard" and proposal.status == "pending"
    assert "approval" in blocks_of(slack, str(proposal.card_ts)).lower()
    assert any("Approval needed" in blocks_of(slack, str(m["ts"])) for m in slack.thread(CHANNEL, root_ts))


def test_a_prose_rollback_offers_no_roll_back_button_and_a_dry_run_says_would_run(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs, text="postgres at max_connections, app logs 'too many connections'")
    action, message_ts = recommended(services, lambda a: a.rollback.startswith("n/a"))

    click(web, "fm_action_run", f"1:{action.key}", "W7", message_ts)
    view = opened_view(slack)
    assert submit(web, view, {"fm_run_params": every_parameter(view)}) == {}
    run_jobs()
    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.level in ("none", "soft") and proposal.status == "succeeded"

    result = blocks_of(slack, str(proposal.result_ts))
    assert "Would run" in result and "dry run, nothing was executed" in result and "via none" not in result
    assert "fm_action_rollback" not in result and "fm_action_undo" not in result
    assert "fm_action_fixed" in result  # the flow can be tried before execution is turned on
    assert "Rollback guidance" in blocks_of(slack, str(proposal.card_ts))


def test_the_card_mentions_the_oncall_group_and_resolving_withdraws_the_request(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    action_runtime.oncall_groups = {"*": "S0ONCALL"}
    root_ts = open_case(services, run_jobs, text=POSTGRES)
    action, message_ts = recommended(services, database_config_change)
    click(web, "fm_action_run", f"1:{action.key}", "W7", message_ts)
    view = opened_view(slack)
    assert submit(web, view, {"fm_run_params": every_parameter(view)}) == {}
    run_jobs()
    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.status == "pending"
    assert "<!subteam^S0ONCALL>: your approval is needed" in blocks_of(slack, str(proposal.card_ts))

    say(web, root_ts, "resolve raised the pool limit and restarted the leaking client")
    run_jobs()

    withdrawn = action_runtime.repo.get(1)
    assert withdrawn is not None and withdrawn.status == "withdrawn"
    assert any("was withdrawn" in t for t in thread_texts(slack, root_ts))
    assert "fm_approval_approve" not in blocks_of(slack, str(proposal.card_ts))


def edit_field(web: TestClient, slack: FakeSlackApi, view: dict[str, Any], block_id: str, text: str) -> None:
    """Type into one field of the open Run… modal: Slack sends block_actions from the view."""
    stored = next(v for v in slack.workspace.views.values() if v.get("callback_id") == view["callback_id"])
    values = {
        b: {f"{b}_text": {"type": "plain_text_input", "value": text if b == block_id else initial}}
        for b, initial in initial_values(view).items()
    }
    payload = {
        "type": "block_actions",
        "team": {"id": "T111"},
        "user": {"id": "W7"},
        "api_app_id": "A111",
        "trigger_id": "555.666.1",
        "container": {"type": "view", "view_id": stored["id"]},
        "view": {
            "id": stored["id"],
            "hash": stored["hash"],
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
        },
        "actions": [
            {
                "type": "plain_text_input",
                "action_id": f"{block_id}_text",
                "block_id": block_id,
                "value": text,
                "action_ts": "1800000000.1",
            }
        ],
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200


def policy_text(view: dict[str, Any]) -> str:
    return str(next(b for b in view["blocks"] if b.get("block_id") == "fm_run_action_policy")["text"]["text"])


def test_editing_the_run_form_shows_the_policy_decision_for_what_is_typed(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs, text=POSTGRES)
    action, message_ts = recommended(services, database_config_change)
    click(web, "fm_action_run", f"1:{action.key}", "W7", message_ts)
    view = opened_view(slack)
    assert "hard" in policy_text(view)

    edit_field(web, slack, view, "fm_run_command", "psql -c 'SHOW max_connections;'")

    updates = slack.calls_to("views.update")
    assert len(updates) == 1, "re-evaluated inside the handler: the person is typing"
    raw = updates[0].params["view"]
    updated = json.loads(raw) if isinstance(raw, str) else dict(raw)
    assert updated["callback_id"] == "fm_run_action_modal"
    # A production database config change needs a person; reading a setting does not.
    assert "form:* hard ·" in policy_text(view) and "form:* none · runs at once" in policy_text(updated)
    assert initial_values(updated)["fm_run_command"] == "psql -c 'SHOW max_connections;'"
