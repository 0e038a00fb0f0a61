"""The ack path is bounded: listeners answer within 1 s while Slack's Web API answers 429 or hangs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.app import create_app
from bot.ids import Ids
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from handlers.listener_errors import SLACK_SLOW
from tests.fakes.signing import event_body, interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi

FORM = "application/x-www-form-urlencoded"


def timed_post(web: TestClient, body: str, content_type: str = FORM) -> tuple[float, int, str]:
    started = time.monotonic()
    headers = signed_headers(body, content_type=content_type)
    response = web.post("/slack/events", content=body, headers=headers)
    return time.monotonic() - started, response.status_code, response.text


def click_body(action_id: str, value: str, n: int) -> str:
    return interactive_body(
        {
            "type": "block_actions",
            "user": {"id": "W1"},
            "trigger_id": f"77.88.{n}",
            "channel": {"id": "C111"},
            "container": {"type": "message", "channel_id": "C111", "message_ts": "1700.1"},
            "actions": [{"action_id": action_id, "block_id": "b", "value": value, "action_ts": f"1900.{n}"}],
        }
    )


@pytest.fixture
def hanging_slack(web: TestClient, slack: FakeSlackApi) -> Iterator[FakeSlackApi]:
    """Slack stops answering once the app is up (Bolt calls auth.test while it starts)."""
    slack.hang(10)
    yield slack
    slack.reset()


def test_a_modal_listener_answers_within_a_second_while_slack_answers_429(
    web: TestClient, slack: FakeSlackApi
) -> None:
    # Retry-After 30: the jobs' client would wait it out; the handlers' client must not retry at all.
    slack.fail_next("views.open", 429, retry_after=30, count=5)

    elapsed, status, text = timed_post(web, slash_command_body(""))

    assert elapsed < 1.0 and status == 200 and text == SLACK_SLOW
    assert len(slack.calls_to("views.open:failed")) == 1


def test_a_modal_listener_gives_up_within_its_short_timeout_while_slack_hangs(
    settings: Settings, services: Services, slack: FakeSlackApi
) -> None:
    quick = settings.model_copy(update={"slack_ack_path_timeout_seconds": 0.5})
    web = TestClient(create_web_app(services, create_app(quick, services)))
    slack.hang(10)
    try:
        elapsed, status, text = timed_post(web, slash_command_body(""))
    finally:
        slack.reset()

    assert elapsed < 1.0 and status == 200 and text == SLACK_SLOW


def test_listeners_that_need_no_modal_answer_within_a_second_while_slack_hangs(
    web: TestClient, services: Services, hanging_slack: FakeSlackApi
) -> None:
    mention = {"type": "app_mention", "channel": "C111", "user": "W1", "text": "<@U0FMBOT>", "ts": "8.8"}
    requests = [
        (click_body(Ids.APPROVAL_APPROVE_BUTTON.value, "1", 1), FORM),
        (click_body(Ids.APPROVAL_INFO_BUTTON.value, "1", 2), FORM),
        (click_body(Ids.RUNBOOK_WORKED_BUTTON.value, "1:1", 3), FORM),
        (click_body(Ids.RUNBOOK_SHARE_BUTTON.value, "1", 4), FORM),
        (slash_command_body("help the disk is full"), FORM),
        (event_body(mention), "application/json"),  # answered with usage help: now a job, not inline
    ]
    for body, content_type in requests:
        elapsed, status, _ = timed_post(web, body, content_type)
        assert elapsed < 1.0 and status == 200, body[:120]
    assert not [c for c in hanging_slack.calls if not c.method.startswith("auth.")]
