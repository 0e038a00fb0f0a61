"""Events API callbacks through the real app: thread replies, mentions, retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from jobs.queue import JOBS, QUEUE_NAMES
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi

ROOT_TS = "1710425313.004200"


def post_event(web: TestClient, event: dict[str, Any], event_id: str = "Ev1", retry: int | None = None):
    body = event_body(event, event_id)
    headers = signed_headers(body, content_type="application/json")
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return web.post("/slack/events", content=body, headers=headers)


def case_with_thread(services: Services) -> int:
    result = services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:t", source="slash", channel_id="C111", reporter_id="W111", text="checkout down"
        )
    )
    services.cases.update_case(result.case_id, root_ts=ROOT_TS)
    return result.case_id


def thread_reply(text: str, ts: str = "1710426001.007300", user: str = "W222") -> dict[str, Any]:
    return {"type": "message", "channel": "C111", "user": user, "text": text, "ts": ts, "thread_ts": ROOT_TS}


def test_reply_in_case_thread_is_recorded_and_answer_queued(web: TestClient, services: Services) -> None:
    case_id = case_with_thread(services)

    response = post_event(web, thread_reply("still crashing after the rollback, restart count is 52"))

    assert response.status_code == 200
    case = services.cases.get(case_id)
    assert case is not None
    assert [m.text for m in case.messages] == ["still crashing after the rollback, restart count is 52"]
    answers = services.queue.queue(JOBS["answer_in_thread"].queue)
    assert f"answer_in_thread-{case.messages[0].id}" in answers.job_ids


def test_retried_event_records_nothing_new(web: TestClient, services: Services) -> None:
    case_id = case_with_thread(services)
    post_event(web, thread_reply("disk is at 100%"), event_id="Ev9")

    post_event(web, thread_reply("disk is at 100%"), event_id="Ev9", retry=1)

    case = services.cases.get(case_id)
    assert case is not None and len(case.messages) == 1
    queued = [i for name in QUEUE_NAMES for i in services.queue.queue(name).job_ids]
    assert len(queued) == 2  # diagnose + one answer


def test_mention_and_message_for_same_reply_count_once(web: TestClient, services: Services) -> None:
    case_id = case_with_thread(services)
    reply = thread_reply("<@U0FMBOT> here is the describe output: OOMKilled")

    post_event(web, reply, event_id="EvA")
    post_event(web, {**reply, "type": "app_mention"}, event_id="EvB")

    case = services.cases.get(case_id)
    assert case is not None
    assert [m.text for m in case.messages] == ["here is the describe output: OOMKilled"]


def test_message_outside_case_threads_is_ignored(web: TestClient, services: Services) -> None:
    post_event(web, {"type": "message", "channel": "C111", "user": "W1", "text": "lunch?", "ts": "1.1"})
    post_event(web, {**thread_reply("unrelated thread"), "thread_ts": "999.999"})

    assert services.cases.get(1) is None


def test_bot_messages_are_ignored(web: TestClient, services: Services) -> None:
    case_id = case_with_thread(services)

    post_event(web, {**thread_reply("Diagnosis for FM-1"), "bot_id": "B0FMBOT", "user": "U0FMBOT"})

    case = services.cases.get(case_id)
    assert case is not None and case.messages == []


def test_mention_outside_a_case_thread_opens_a_new_case(web: TestClient, services: Services) -> None:
    mention = {
        "type": "app_mention",
        "channel": "C111",
        "user": "W222",
        "ts": "1710425300.001100",
        "text": "<@U0FMBOT> pods in checkout namespace keep restarting, CrashLoopBackOff since the deploy",
    }

    post_event(web, mention, event_id="Ev111")
    post_event(web, mention, event_id="Ev111", retry=1)

    case = services.cases.get(1)
    assert case is not None
    assert case.description == "pods in checkout namespace keep restarting, CrashLoopBackOff since the deploy"
    assert case.source == "mention"
    assert services.cases.get(2) is None


def test_empty_mention_gets_usage_ephemerally(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    post_event(
        web, {"type": "app_mention", "channel": "C111", "user": "W222", "ts": "5.5", "text": "<@U0FMBOT>"}
    )
    run_jobs()  # posted by a job: the listener makes no Web API call inside Slack's 3-second window

    call = slack.wait_for_calls("chat.postEphemeral")[0]
    assert call.params["user"] == "W222"
    assert services.cases.get(1) is None


def test_url_verification_is_answered(web: TestClient) -> None:
    body = '{"token":"t","challenge":"3eZbrw1aBm2rZgRN","type":"url_verification"}'

    response = web.post(
        "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
    )

    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRN"}
