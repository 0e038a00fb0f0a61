"""Slash commands through the real app, with correctly signed requests."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from starlette.testclient import TestClient

from bot.app import create_app
from bot.services import Services, build_services
from bot.settings import Settings
from bot.web import create_web_app
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi


def post_command(web: TestClient, text: str, **kwargs: str):
    body = slash_command_body(text, **kwargs)
    return web.post("/slack/events", content=body, headers=signed_headers(body))


def test_help_command_acks_with_case_number_and_queues_diagnosis(web: TestClient, services: Services) -> None:
    response = post_command(web, "help checkout pods OOMKilled since the 14:00 deploy")

    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert response.json()["text"].startswith("Opening case FM-1…")
    case = services.cases.get(1)
    assert case is not None
    assert case.title == "checkout pods OOMKilled since the 14:00 deploy"
    assert case.status == "investigating"
    assert case.reporter_id == "W111"
    assert services.queue.queue("high").job_ids == ["diagnose_case-1"]


def test_same_command_delivery_twice_opens_one_case(web: TestClient, services: Services) -> None:
    post_command(web, "help redis is OOM-killing on cache-01", trigger_id="9.9.same")
    second = post_command(web, "help redis is OOM-killing on cache-01", trigger_id="9.9.same")

    assert "already open" in second.json()["text"]
    assert services.cases.get(2) is None
    assert len(services.queue.queue("high").job_ids) == 1


def test_bare_command_opens_report_modal(web: TestClient, slack: FakeSlackApi) -> None:
    response = post_command(web, "")

    assert response.status_code == 200
    view = slack.wait_for_calls("views.open")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "fm_report_problem"
    assert json.loads(view["private_metadata"]) == {"channel_id": "C111"}


def test_help_without_text_opens_report_modal(web: TestClient, slack: FakeSlackApi) -> None:
    post_command(web, "help")

    assert slack.wait_for_calls("views.open")[0].params["trigger_id"] == "111.222.aaa"


def test_unknown_subcommand_answers_usage_ephemerally(web: TestClient, services: Services) -> None:
    response = post_command(web, "frobnicate the cache")

    assert response.status_code == 200
    payload = response.json()
    assert payload["response_type"] == "ephemeral"
    assert "`/faultmaven help <what is broken>`" in payload["text"]
    assert "frobnicate" in json.dumps(payload["blocks"])
    assert services.cases.get(1) is None


def test_wrong_signature_is_rejected(web: TestClient, services: Services) -> None:
    body = slash_command_body("help disk full")
    headers = signed_headers(body, secret="not-the-secret")

    assert web.post("/slack/events", content=body, headers=headers).status_code == 401
    assert services.cases.get(1) is None


def test_stale_timestamp_is_rejected(web: TestClient) -> None:
    body = slash_command_body("help disk full")
    headers = signed_headers(body, timestamp=int(time.time()) - 600)

    assert web.post("/slack/events", content=body, headers=headers).status_code == 401


def test_command_while_redis_is_down_is_saved_and_answered_honestly(settings: Settings) -> None:
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    services = build_services(broken)
    web = TestClient(create_web_app(services, create_app(broken, services)))

    response = post_command(web, "help payments API returns 502 for every request")

    assert response.status_code == 200
    assert "saved" in response.json()["text"]
    assert services.cases.get(1) is not None
    assert [job.job_key for job in services.cases.unclaimed_jobs(older_than=timedelta(0))] == [
        "diagnose_case:1"
    ]
