"""A reply under the bot's root before the case stored that root's ts is matched, not dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from jobs.cases.thread_messages import post_case_message_once
from jobs.queue import QUEUE_NAMES
from jobs.runtime import JobContext
from storage.db import make_session_factory
from tests.fakes.slack_api import BOT_USER_ID, FakeSlackApi
from tests.handlers.test_events import post_event

REPORT = "checkout pods OOMKilled since the deploy, exit code 137"
REPLY = "memory climbs to the 512Mi limit right before each restart"


def reply_under(slack: FakeSlackApi, root_ts: str) -> dict[str, Any]:
    """A person's reply in the thread, as Slack stores it and as its message event carries it."""
    stored = slack.workspace.add_message("C111", "W222", REPLY, thread_ts=root_ts)
    return {
        "type": "message",
        "channel": "C111",
        "user": "W222",
        "text": REPLY,
        "ts": stored["ts"],
        "thread_ts": root_ts,
        "parent_user_id": BOT_USER_ID,
    }


def no_failed_jobs(services: Services) -> bool:
    return all(services.queue.queue(name).failed_job_registry.count == 0 for name in QUEUE_NAMES)


def test_a_reply_before_the_root_ts_was_stored_is_recorded_once_and_looked_at(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    case_id = services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:late", source="slash", channel_id="C111", reporter_id="W111", text=REPORT
        )
    ).case_id
    # A worker posted the case's root and died before storing its ts.
    root_ts = post_case_message_once(job_context.slack, "C111", case_id, "root", text=f"FM-{case_id}")
    event = reply_under(slack, root_ts)

    assert post_event(web, event, event_id="Ev1").status_code == 200
    assert post_event(web, event, event_id="Ev1", retry=1).status_code == 200  # Slack's retry
    run_jobs()

    case = services.cases.get(case_id)
    assert case is not None and case.root_ts == root_ts
    [reply] = [m for m in case.messages if not m.from_bot]
    assert (reply.text, reply.slack_ts) == (REPLY, event["ts"])
    # Looked at like any reply: answered in the thread, or a 👀 on it when it changes nothing.
    seen = [c for c in slack.calls_to("reactions.add") if c.params.get("timestamp") == event["ts"]]
    assert reply.reply_ts is not None or seen
    assert no_failed_jobs(services)
    roots = [m for m in slack.messages.values() if m["channel"] == "C111" and m["thread_ts"] is None]
    assert [m["ts"] for m in roots] == [root_ts]  # the re-run found its root; nothing posted twice


def test_a_reply_under_a_bot_message_that_is_no_case_records_nothing(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    card = job_context.slack.chat_postMessage(
        channel="C111", text="RB-0001 Redis OOM"
    )  # e.g. a shared runbook

    assert post_event(web, reply_under(slack, str(card["ts"]))).status_code == 200
    run_jobs()

    assert services.cases.find_by_thread("C111", str(card["ts"])) is None
    assert no_failed_jobs(services)
    with make_session_factory(services.db)() as session:
        assert session.scalar(text("SELECT count(*) FROM case_messages")) == 0
