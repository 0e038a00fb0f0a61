"""A diagnose_case re-run after its worker died finds what the dead run posted instead of reposting."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update

from bot.services import Services
from jobs.cases.diagnosis import answer_in_thread, diagnose_case
from jobs.cases.thread_messages import post_case_message_once
from jobs.runbooks.library import RunbookLibrary
from jobs.runbooks.suggestions import suggest_runbooks
from jobs.runtime import JobContext
from storage.db import make_session_factory
from storage.runbook_models import RunbookSuggestionRow
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_cases import open_case


def test_rerun_after_a_crash_between_post_and_store_reuses_the_posted_messages(
    services: Services, slack: FakeSlackApi, job_context: JobContext, run_jobs: Callable[[], None]
) -> None:
    case_id = open_case(services, "checkout pods OOMKilled since the 14:00 deploy, exit code 137")
    # The dead run posted both messages and died before storing either ts on the case.
    root_ts = post_case_message_once(job_context.slack, "C111", case_id, "root", text="FM-1")
    post_case_message_once(
        job_context.slack, "C111", case_id, "progress", thread_ts=root_ts, text="Investigating…"
    )
    assert services.cases.get(case_id).root_ts is None  # type: ignore[union-attr]

    run_jobs()

    case = services.cases.get(case_id)
    assert case is not None and case.root_ts == root_ts
    roots = [m for m in slack.messages.values() if m["channel"] == "C111" and m["thread_ts"] is None]
    assert [m["ts"] for m in roots] == [root_ts]
    thread = slack.thread("C111", root_ts)
    assert len(thread) == 1 and thread[0]["ts"] == case.progress_ts
    assert "Diagnosis for FM-1" in str(thread[0]["blocks"])
    assert len(slack.calls_to("chat.postMessage")) == 2  # only the dead run's two posts


def test_metadata_is_listed_only_when_asked_for(slack: FakeSlackApi, job_context: JobContext) -> None:
    root_ts = post_case_message_once(job_context.slack, "C111", 7, "root", text="FM-7")

    plain = job_context.slack.conversations_history(channel="C111")["messages"]
    full = job_context.slack.conversations_history(channel="C111", include_all_metadata=True)["messages"]

    assert "metadata" not in plain[0]
    assert full[0]["metadata"] == {
        "event_type": "faultmaven_case_message",
        "event_payload": {"case_id": 7, "role": "root"},
    }
    assert post_case_message_once(job_context.slack, "C111", 7, "root", text="FM-7") == root_ts
    assert post_case_message_once(job_context.slack, "C111", 8, "root", text="FM-8") != root_ts


def test_answer_rerun_after_a_crash_between_post_and_store_reuses_the_posted_answer(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    case_id = open_case(services, "checkout is broken since the deploy")
    diagnose_case(case_id)
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    message, _job, _created = services.cases.add_message(
        case_id, "W222", "Reason: OOMKilled", "1700009999.000100", "answer_in_thread"
    )
    # The dead run posted its answer and died before recording reply_ts.
    posted = post_case_message_once(
        job_context.slack, "C111", case_id, f"answer:{message.id}", thread_ts=case.root_ts, text="Updated"
    )

    answer_in_thread(case_id, message.id)

    reloaded = services.cases.get_message(message.id)
    assert reloaded is not None and reloaded.reply_ts == posted
    assert [m["ts"] for m in slack.thread("C111", case.root_ts)] == [case.progress_ts, posted]


def test_suggestions_rerun_after_a_crash_between_post_and_store_posts_nothing_new(
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    case_id = open_case(services, "redis on cache-01: OOM command not allowed when used memory > maxmemory")
    run_jobs()
    # The run that posted the suggestions died before storing the message's ts.
    with make_session_factory(services.db)() as session:
        session.execute(update(RunbookSuggestionRow).values(slack_ts=None))
        session.commit()

    suggest_runbooks(case_id)

    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    suggestions = [m for m in slack.thread("C111", case.root_ts) if "Similar runbook" in str(m["blocks"])]
    assert len(suggestions) == 1
    assert runbook_library.repo.record_suggestions(case_id, []) == suggestions[0]["ts"]
