"""The report modal's submission through the real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from tests.fakes.signing import interactive_body, signed_headers

PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "payloads"


def submission(values: dict[str, Any], metadata: str = '{"channel_id":"C111"}') -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T111"},
        "user": {"id": "W111", "name": "primary-owner"},
        "api_app_id": "A111",
        "trigger_id": "111.222.valid",
        "view": {
            "id": "V111",
            "type": "modal",
            "callback_id": "fm_report_problem",
            "private_metadata": metadata,
            "state": {"values": values},
        },
    }


def post(web: TestClient, payload: dict[str, Any]):
    body = interactive_body(payload)
    return web.post("/slack/events", content=body, headers=signed_headers(body))


def test_report_submission_opens_case_with_service_and_severity(web: TestClient, services: Services) -> None:
    values = {
        "fm_title": {"fm_title_text": {"type": "plain_text_input", "value": "Checkout latency doubled"}},
        "fm_problem": {"fm_problem_text": {"type": "plain_text_input", "value": "p99 doubled after 14:00"}},
        "fm_service": {"fm_service_text": {"type": "plain_text_input", "value": "checkout"}},
        "fm_severity": {
            "fm_severity_select": {"type": "static_select", "selected_option": {"value": "critical"}}
        },
    }

    response = post(web, submission(values))

    assert response.status_code == 200
    case = services.cases.get(1)
    assert case is not None
    assert (case.title, case.service, case.severity, case.source) == (
        "Checkout latency doubled",
        "checkout",
        "critical",
        "modal",
    )
    assert services.queue.queue("high").job_ids == ["diagnose_case-1"]


def test_shared_payload_shape_with_only_the_problem_field_opens_case(
    web: TestClient, services: Services
) -> None:
    payload = json.loads((PAYLOADS / "slack_view_submission.json").read_text())

    assert post(web, payload).status_code == 200

    case = services.cases.get(1)
    assert case is not None
    assert case.title.startswith("p99 latency on checkout doubled")


def test_submission_without_a_channel_returns_field_error(web: TestClient, services: Services) -> None:
    values = {"fm_problem": {"fm_problem_text": {"type": "plain_text_input", "value": "disk full"}}}

    response = post(web, submission(values, metadata="{}"))

    assert response.json()["response_action"] == "errors"
    assert services.cases.get(1) is None
