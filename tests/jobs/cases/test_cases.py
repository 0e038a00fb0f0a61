"""Case jobs run by a real RQ worker against the fake Slack Web API."""

from __future__ import annotations

from collections.abc import Callable

from bot.services import Services
from jobs.cases.diagnosis import answer_in_thread, diagnose_case
from jobs.cases.intake import NewCaseRequest
from jobs.runtime import JobContext
from tests.fakes.slack_api import FakeSlackApi


def open_case(services: Services, text: str, key: str = "slash:1") -> int:
    result = services.intake.open_case(
        NewCaseRequest(dedupe_key=key, source="slash", channel_id="C111", reporter_id="W111", text=text)
    )
    return result.case_id


def test_diagnose_case_posts_root_then_updates_progress_into_diagnosis(
    services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    case_id = open_case(services, "checkout pods OOMKilled since the 14:00 deploy, exit code 137")

    run_jobs()

    posts = slack.calls_to("chat.postMessage")
    root, progress = posts[0].params, posts[1].params
    assert "FM-1 · checkout pods OOMKilled" in str(root["blocks"])
    assert root.get("thread_ts") is None
    assert "Investigating" in str(progress["blocks"])
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    assert progress["thread_ts"] == case.root_ts
    thread = slack.thread("C111", case.root_ts)
    assert len(thread) == 1, "progress message is updated in place, not reposted"
    final = thread[0]
    assert "Diagnosis for FM-1" in str(final["blocks"])
    assert "resource exhaustion" in str(final["blocks"])
    assert "Likely causes" in str(final["blocks"]) and "fm_diagnosis_details" in str(final["blocks"])
    assert case.diagnosis_json is not None


def test_root_card_leaves_investigating_for_the_diagnosis_headline(
    services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    case_id = open_case(services, "checkout pods OOMKilled since the 14:00 deploy, exit code 137")

    run_jobs()

    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    root = next(m for m in slack.messages.values() if m["ts"] == case.root_ts)
    fields = str(root["blocks"])
    assert "🧭 Diagnosed — " in fields and "Investigating" not in fields
    assert any(c.params.get("ts") == case.root_ts for c in slack.calls_to("chat.update"))


def test_diagnose_case_twice_posts_once(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    case_id = open_case(services, "postgres says too many connections")

    diagnose_case(case_id)
    case = services.cases.get(case_id)
    assert case is not None and case.progress_ts is not None

    def diagnosis_updates() -> int:
        return sum(1 for c in slack.calls_to("chat.update") if c.params["ts"] == case.progress_ts)

    updates_after_first_run = diagnosis_updates()
    diagnose_case(case_id)

    assert len(slack.calls_to("chat.postMessage")) == 2  # root + progress, once
    # The re-run leaves the posted diagnosis alone: no flicker back to "Investigating…".
    assert updates_after_first_run >= 2
    assert diagnosis_updates() == updates_after_first_run


def test_answer_in_thread_shows_what_changed_once_however_often_it_runs(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    case_id = open_case(services, "checkout is broken since the deploy")
    diagnose_case(case_id)
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    message, _job, _created = services.cases.add_message(
        case_id,
        "W222",
        "kubectl says Last State: Terminated Reason: OOMKilled",
        "1700009999.000100",
        "answer_in_thread",
    )

    answer_in_thread(case_id, message.id)
    answer_in_thread(case_id, message.id)

    replies = [m for m in slack.thread("C111", case.root_ts) if "Updated diagnosis" in str(m["blocks"])]
    assert len(replies) == 1
    shown = str(replies[0]["blocks"])
    # Only what changed and what is new; a re-run after the answer was complete changes nothing.
    assert "What changed" in shown and "Category changed: deployment bug → resource exhaustion" in shown
    assert "New checks" in shown and "Likely causes" not in shown


def test_rate_limited_slack_call_is_retried_after_retry_after(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    case_id = open_case(services, "nginx returns 504 gateway timeout")
    slack.fail_next("chat.postMessage", 429, retry_after=0)

    diagnose_case(case_id)

    assert len(slack.calls_to("chat.postMessage:failed")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_unknown_case_is_reported_not_crashed(job_context: JobContext, slack: FakeSlackApi) -> None:
    assert diagnose_case(999) == {"status": "missing", "case_id": 999}
    assert slack.calls == []
