"""Quiet case threads through the real app and a real RQ worker: who gets a post, a 👀, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.ids import Ids
from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from jobs.runtime import JobContext
from storage.models import Case
from tests.block_text import text_lines
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import BOT_USER_ID, FakeSlackApi

REPORT = "checkout pods OOMKilled since the 14:00 deploy, exit code 137"


def open_diagnosed_case(services: Services, run_jobs: Callable[[], None]) -> Case:
    result = services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:q", source="slash", channel_id="C111", reporter_id="W111", text=REPORT
        )
    )
    run_jobs()
    case = services.cases.get(result.case_id)
    assert case is not None and case.root_ts is not None and case.progress_ts is not None
    return case


def say_in_thread(
    web: TestClient, slack: FakeSlackApi, case: Case, text: str, kind: str = "message"
) -> dict[str, Any]:
    """A person posts in the thread (so Slack holds the message), and Slack delivers the event."""
    assert case.root_ts is not None
    posted = slack.workspace.add_message("C111", "W222", text, thread_ts=case.root_ts)
    event = {"type": kind, "channel": "C111", "user": "W222", "text": text, "ts": posted["ts"]}
    body = event_body({**event, "thread_ts": case.root_ts}, f"Ev{posted['ts']}")
    headers = signed_headers(body, content_type="application/json")
    response = web.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200
    return posted


def bot_posts(slack: FakeSlackApi, case: Case) -> list[dict[str, Any]]:
    assert case.root_ts is not None
    return [m for m in slack.thread("C111", case.root_ts) if m["user"] == BOT_USER_ID]


def run_buttons(message: dict[str, Any]) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in message["blocks"]
        if b.get("accessory", {}).get("action_id") == Ids.ACTION_RUN_BUTTON
    ]


def test_chit_chat_in_a_case_thread_gets_no_post_and_no_reaction(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    case = open_diagnosed_case(services, run_jobs)
    before = len(bot_posts(slack, case))

    for text in ("thanks Bob 🙏", "ack, joining the bridge", "🙏", "who's IC on this one?"):
        say_in_thread(web, slack, case, text)
    run_jobs()

    assert len(bot_posts(slack, case)) == before
    assert slack.calls_to("reactions.add") == []
    stored = services.cases.get(case.id)
    assert stored is not None
    assert [m.text for m in stored.messages if not m.from_bot][-4:] == [
        "thanks Bob 🙏",
        "ack, joining the bridge",
        "🙏",
        "who's IC on this one?",
    ], "every message is still recorded"


def test_pasted_log_line_posts_one_update_and_retires_the_old_run_buttons(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    case = open_diagnosed_case(services, run_jobs)
    first = slack.messages[str(case.progress_ts)]
    assert run_buttons(first), "the first diagnosis offers Run… buttons"
    before = len(bot_posts(slack, case))

    say_in_thread(
        web,
        slack,
        case,
        "2024-05-02T14:05:11Z java.lang.OutOfMemoryError: Java heap space at com.shop.checkout.Cart.load",
    )
    run_jobs()

    posts = bot_posts(slack, case)
    assert len(posts) == before + 1
    assert "Updated diagnosis" in str(posts[-1]["blocks"])
    assert slack.calls_to("reactions.add") == []
    old = slack.messages[str(case.progress_ts)]
    assert run_buttons(old) == []
    assert any(b.get("block_id") == Ids.DIAGNOSIS_SUPERSEDED for b in old["blocks"])
    assert "Likely causes" in str(old["blocks"]), "the old diagnosis keeps its content"
    assert Ids.DIAGNOSIS_DETAILS_BUTTON not in str(old["blocks"]), (
        "Details shows the latest: only on the new one"
    )
    assert Ids.DIAGNOSIS_DETAILS_BUTTON in str(posts[-1]["blocks"]) and run_buttons(posts[-1])
    # Compact: what changed and what is new, never the whole diagnosis again.
    update = posts[-1]["blocks"]
    assert "Likely causes" not in str(update) and len(text_lines(update)) <= 12, text_lines(update)


def test_evidence_that_changes_nothing_gets_only_eyes(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    case = open_diagnosed_case(services, run_jobs)
    before = len(bot_posts(slack, case))
    updates_before = len(slack.calls_to("chat.update"))

    message = say_in_thread(web, slack, case, "restarted it, no change")
    run_jobs()

    assert len(bot_posts(slack, case)) == before
    assert len(slack.calls_to("chat.update")) == updates_before
    reactions = slack.calls_to("reactions.add")
    assert [(c.params["timestamp"], c.params["name"]) for c in reactions] == [(message["ts"], "eyes")]
    eyes = {"name": "eyes", "users": [BOT_USER_ID], "count": 1}
    assert slack.messages[message["ts"]]["reactions"] == [eyes]


def test_resolved_case_is_not_rediagnosed_until_reopened(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    run_jobs: Callable[[], None],
    job_context: JobContext,
) -> None:
    case = open_diagnosed_case(services, run_jobs)
    services.cases.update_case(case.id, status="resolved")
    before = len(bot_posts(slack, case))

    say_in_thread(web, slack, case, "ERROR 1040 (HY000): Too many connections")
    run_jobs()

    assert len(bot_posts(slack, case)) == before
    assert slack.calls_to("reactions.add") == []

    say_in_thread(web, slack, case, f"<@{BOT_USER_ID}> reopen", kind="app_mention")
    run_jobs()

    reopened = services.cases.get(case.id)
    assert reopened is not None and reopened.status == "investigating"
    posts = bot_posts(slack, case)
    assert len(posts) == before + 1
    assert "Reopened by <@W222>" in posts[-1]["text"]
    assert job_context.audit is not None
    kinds = [entry.kind for entry in job_context.audit.for_case(case.id)]
    assert kinds.count("case_reopened") == 1
    root = slack.messages[str(case.root_ts)]
    assert "investigating" in str(root["blocks"]).lower()
