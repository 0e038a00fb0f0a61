"""The report on the case's root card, through the real app and a real RQ worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.blocks.case import SEVERITY_EMOJI
from bot.services import Services
from engine.models import Diagnosis
from jobs.cases.diagnosis import diagnose_case
from tests.fakes.signing import interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi


def submit_report(web: TestClient, title: str, problem: str, service: str, severity: str) -> None:
    def field(block: str, action: str, value: str) -> dict[str, Any]:
        return {block: {action: {"type": "plain_text_input", "value": value}}}

    values = {
        **field("fm_title", "fm_title_text", title),
        **field("fm_problem", "fm_problem_text", problem),
        **field("fm_service", "fm_service_text", service),
        "fm_severity": {
            "fm_severity_select": {"type": "static_select", "selected_option": {"value": severity}}
        },
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W111", "name": "alice"},
        "api_app_id": "A111",
        "trigger_id": "111.222.valid",
        "view": {
            "id": "V111",
            "type": "modal",
            "callback_id": "fm_report_problem",
            "private_metadata": '{"channel_id":"C111"}',
            "state": {"values": values},
        },
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200


def case_suggestion(diagnosis_json: str) -> str:
    return Diagnosis.model_validate_json(diagnosis_json).severity.value


def root_card(slack: FakeSlackApi, services: Services, case_id: int) -> str:
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    return str(slack.messages[case.root_ts]["blocks"])


def test_root_card_shows_report_reporter_service_and_chosen_severity_with_suggestion(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    problem = "Primary is refusing connections: FATAL too many clients already <prod> & replicas lag"
    submit_report(web, "Postgres primary refusing connections", problem, "orders-db", "low")

    run_jobs()

    card = root_card(slack, services, 1)
    assert "FATAL too many clients already &lt;prod&gt; &amp; replicas lag" in card
    assert "<prod>" not in card
    assert "<@W111>" in card and "orders-db" in card
    case = services.cases.get(1)
    assert case is not None and case.diagnosis_json is not None
    assert case.severity == "low" and case.reported_severity == "low", "a person's choice stands"
    assert "🟢 Low" in card and "(guess)" not in card
    suggested = case_suggestion(case.diagnosis_json)
    assert suggested != "low", "the engine reads a refusing primary as worse than low"
    assert f"FaultMaven suggests {SEVERITY_EMOJI[suggested]} {suggested.capitalize()}" in card


def test_slash_report_without_a_chosen_severity_shows_the_engines_as_a_guess(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    body = slash_command_body("help checkout pods OOMKilled. exit code 137 since the 14:00 deploy")
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200

    run_jobs()

    card = root_card(slack, services, 1)
    case = services.cases.get(1)
    assert case is not None and case.reported_severity is None and case.diagnosis_json is not None
    assert f"{case_suggestion(case.diagnosis_json).capitalize()} (guess)" in card
    assert "exit code 137 since the 14:00 deploy" in card, "the sender's text is readable by teammates"


def test_long_paste_becomes_a_snippet_in_the_thread_once(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    log_lines = [
        f"2024-05-01T14:{i:02d}:00Z checkout-7f9 ERROR upstream timed out (110) line {i}" for i in range(60)
    ]
    paste = "checkout is timing out, logs below\n" + "\n".join(log_lines)
    submit_report(web, "checkout timeouts", paste, "checkout", "medium")

    run_jobs()

    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None and case.report_file_id is not None
    assert slack.file_text(case.report_file_id) == paste
    in_thread = [m for m in slack.thread("C111", case.root_ts) if m.get("files")]
    assert [f["id"] for m in in_thread for f in m["files"]] == [case.report_file_id]
    card = root_card(slack, services, 1)
    assert "checkout is timing out, logs below" in card and "line 3" in card
    assert "line 59" not in card, "the card shows only the first lines"
    assert "the full report is the snippet in this thread" in card

    diagnose_case(1)
    assert len(slack.calls_to("files.completeUploadExternal")) == 1, "a re-run does not upload again"
