"""Details on a diagnosis through the real app and worker: a loading modal opened inside the click, filled
in by a job with everything the compact message leaves out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from engine.models import Diagnosis
from jobs.actions.runtime import ActionRuntime
from jobs.cases.details import show_diagnosis_details
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import CHANNEL, click, open_case

REPORT = "prod postgres primary at max_connections (database orders, namespace payments): too many clients"


def as_view(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def diagnosis_message(slack: FakeSlackApi, services: Services) -> tuple[dict[str, Any], Diagnosis]:
    case = services.cases.get(1)
    assert case is not None and case.progress_ts is not None and case.diagnosis_json is not None
    return slack.messages[case.progress_ts], Diagnosis.model_validate_json(case.diagnosis_json)


def test_the_first_diagnosis_is_compact_with_targets_filled_from_the_report(
    services: Services, slack: FakeSlackApi, action_runtime: ActionRuntime, run_jobs: Callable[[], None]
) -> None:
    open_case(services, run_jobs, text=REPORT)
    message, diagnosis = diagnosis_message(slack, services)
    shown = json.dumps(message["blocks"], ensure_ascii=False)

    assert len(diagnosis.hypotheses) >= 2 and len(diagnosis.recommended_actions) >= 3
    assert "database/orders" in shown and "&lt;db&gt;" not in shown
    assert "&lt;ns&gt;" not in shown, "the namespace the report named fills the checks too"
    assert shown.count("fm_action_run") <= 3 and "fm_diagnosis_details" in shown
    assert diagnosis.questions[0] not in shown, "questions wait in Details"


def test_details_opens_loading_at_once_and_the_job_fills_in_everything(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs, text=REPORT)
    message, diagnosis = diagnosis_message(slack, services)

    click(web, "fm_diagnosis_details", "1", "W7", message["ts"])

    opened = slack.calls_to("views.open")
    assert len(opened) == 1 and "Loading the diagnosis of FM-1" in str(opened[0].params["view"])
    assert slack.calls_to("views.update") == [], "the handler reads nothing: the job fills the modal"
    run_jobs()

    update = slack.calls_to("views.update")
    assert len(update) == 1
    view = as_view(update[0].params["view"])
    text = json.dumps(view, ensure_ascii=False)
    assert view["callback_id"] == "fm_diagnosis_details_modal"
    for hypothesis in diagnosis.hypotheses:
        assert hypothesis.cause in text
    for action in diagnosis.recommended_actions:
        assert action.title in text
    assert all(q in text for q in diagnosis.questions)
    assert "Would rule it out" in text and "Engine: offline" in text
    assert "database `orders`" in text and "environment `production`" in text
    assert "-n payments" in text and "&lt;ns&gt;" not in text
    assert update[0].params["view_id"] in slack.workspace.views, "the very modal the click opened"


def test_details_for_a_case_of_another_channel_says_so_in_the_modal(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs, text=REPORT)
    message, _diagnosis = diagnosis_message(slack, services)

    click(web, "fm_diagnosis_details", "1", "W7", message["ts"], channel="C0OTHER")
    run_jobs()

    view = as_view(slack.calls_to("views.update")[-1].params["view"])
    assert "does not belong to a case in this channel" in json.dumps(view)
    assert CHANNEL not in json.dumps(view)


def test_a_forged_details_value_is_refused_before_anything_opens(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    open_case(services, run_jobs, text=REPORT)
    message, _diagnosis = diagnosis_message(slack, services)

    click(web, "fm_diagnosis_details", "1; DROP TABLE cases", "W7", message["ts"], expect=400)

    assert slack.calls_to("views.open") == []


def test_a_modal_closed_before_the_job_ran_is_left_alone(
    services: Services, slack: FakeSlackApi, action_runtime: ActionRuntime, run_jobs: Callable[[], None]
) -> None:
    open_case(services, run_jobs, text=REPORT)

    result = show_diagnosis_details(1, CHANNEL, "W7", "VCLOSED")

    assert result["status"] == "closed"
    assert [c.method for c in slack.calls_to("views.update")] == ["views.update"], "tried once, no retry"
