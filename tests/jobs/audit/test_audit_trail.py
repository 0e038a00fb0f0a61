"""`/faultmaven audit FM-1` and `@FaultMaven audit`: the case's trail uploaded as two files, through the real
signed app, a real RQ worker and the real slack_sdk `files_upload_v2` against the fake Web API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.services import Services
from jobs.audit.trail import upload_audit_trail
from jobs.queue import JOBS
from jobs.runtime import JobContext
from tests.fakes.signing import event_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_resolutions import say_resolve

REPORT = "checkout pods OOMKilled since the 14:00 deploy"
REPLY = "memory limit is 256Mi, token xoxb-1234567890-abcdefghij leaked in the logs"


def command(web: TestClient, text: str, trigger_id: str = "111.222.aaa") -> dict[str, Any]:
    body = slash_command_body(text, trigger_id=trigger_id)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return dict(response.json()) if response.content else {}


def say_in_thread(web: TestClient, root_ts: str, text: str, ts: str, mention: bool = False) -> None:
    """A thread message as Slack delivers it: `message`, plus `app_mention` when the bot is named."""
    base = {"channel": "C111", "user": "W222", "text": text, "ts": ts, "thread_ts": root_ts}
    kinds = ["message", "app_mention"] if mention else ["message"]
    for n, kind in enumerate(kinds):
        body = event_body({**base, "type": kind}, f"Ev{ts}{n}")
        headers = signed_headers(body, content_type="application/json")
        assert web.post("/slack/events", content=body, headers=headers).status_code == 200


def case_with_history(web: TestClient, services: Services, run_jobs: Callable[[], None]) -> str:
    """FM-1: opened, diagnosed, one human reply answered, then resolved."""
    assert command(web, f"help {REPORT}")["text"].startswith("Opening case FM-1")
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    say_in_thread(web, case.root_ts, REPLY, "1800000050.000100")
    run_jobs()
    say_resolve(web, "C111", case.root_ts)
    run_jobs()
    return case.root_ts


def uploads(slack: FakeSlackApi, root_ts: str) -> list[dict[str, Any]]:
    return [m for m in slack.thread("C111", root_ts) if m.get("files")]


def contents(slack: FakeSlackApi, message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: slack.file_text(f["id"]) for f in message["files"]}


EXPECTED_KINDS = ["case_opened", "diagnosis", "message", "diagnosis", "case_resolved"]


def test_slash_audit_uploads_jsonl_and_timeline_listing_the_case_events_in_order(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    root_ts = case_with_history(web, services, run_jobs)

    answer = command(web, "audit FM-1", trigger_id="555.666.audit")
    run_jobs()

    assert answer["response_type"] == "ephemeral" and "audit trail of FM-1" in answer["text"]
    [message] = uploads(slack, root_ts)
    assert "Audit trail of FM-1" in message["text"] and "<@W111>" in message["text"]
    files = contents(slack, message)
    assert sorted(files) == ["FM-1-audit.jsonl", "FM-1-audit.md"]
    entries = [json.loads(line) for line in files["FM-1-audit.jsonl"].splitlines()]
    assert [e["kind"] for e in entries] == EXPECTED_KINDS
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert entries[0]["data"]["title"] == REPORT and entries[0]["actor"] == "W111"
    assert entries[1]["data"]["engine"] == "offline" and entries[1]["data"]["category"]
    assert entries[2]["actor"] == "W222" and "[REDACTED:slack_token]" in entries[2]["data"]["text"]
    assert "xoxb-1234567890" not in files["FM-1-audit.jsonl"] + files["FM-1-audit.md"]
    assert entries[4]["data"]["summary"].startswith("root cause: bad memory limit")
    timeline = files["FM-1-audit.md"]
    assert timeline.startswith("# Audit trail · FM-1")
    marks = ["Case opened", "Initial diagnosis", "Message:", "Follow-up diagnosis", "Resolved:"]
    positions = [timeline.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert len(slack.calls_to("files.getUploadURLExternal")) == 2
    assert slack.calls_to("files.completeUploadExternal")[0].params["thread_ts"] == root_ts


def test_a_rerun_of_the_upload_job_does_not_upload_twice_and_the_export_is_itself_audited(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = case_with_history(web, services, run_jobs)
    command(web, "audit fm-1", trigger_id="555.666.twice")
    run_jobs()

    again = upload_audit_trail(1, "C111", None, "W111", "555.666.twice")

    assert again["status"] == "already uploaded"
    assert len(uploads(slack, root_ts)) == 1
    assert job_context.audit is not None
    assert job_context.audit.for_case(1)[-1].kind == "audit_exported"
    assert job_context.audit.verify().ok


def test_mention_audit_in_the_case_thread_uploads_once_and_is_not_taken_as_evidence(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    root_ts = case_with_history(web, services, run_jobs)
    answers_before = len(slack.thread("C111", root_ts))

    say_in_thread(web, root_ts, "<@U0FMBOT> audit", "1800000200.000100", mention=True)
    run_jobs()

    [message] = uploads(slack, root_ts)
    entries = contents(slack, message)["FM-1-audit.jsonl"].splitlines()
    assert [json.loads(line)["kind"] for line in entries] == EXPECTED_KINDS
    assert len(slack.thread("C111", root_ts)) == answers_before + 1, "only the upload was added"


def test_audit_of_a_case_that_does_not_exist_gets_a_friendly_ephemeral(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    missing = command(web, "audit FM-99")
    unnamed = command(web, "audit")
    run_jobs()

    assert missing["response_type"] == "ephemeral" and "can't find a case called “FM-99”" in missing["text"]
    assert "/faultmaven audit FM-12" in unnamed["text"]
    assert services.queue.queue(JOBS["upload_audit_trail"].queue).job_ids == []
    assert not slack.calls_to("files.completeUploadExternal")


def test_mention_audit_outside_a_case_thread_explains_instead_of_opening_a_case(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    body = event_body(
        {"type": "app_mention", "channel": "C111", "user": "W222", "text": "<@U0FMBOT> audit", "ts": "1.2"}
    )
    web.post("/slack/events", content=body, headers=signed_headers(body, content_type="application/json"))
    run_jobs()

    hint = slack.wait_for_calls("chat.postEphemeral")[0].params
    assert hint["user"] == "W222" and "/faultmaven audit FM-12" in hint["text"]
    assert services.cases.get(1) is None


def test_the_upload_job_for_a_vanished_case_tells_the_requester(
    slack: FakeSlackApi, job_context: JobContext
) -> None:
    result = upload_audit_trail(42, "C111", "1700000000.000100", "W111", "k")

    assert result["status"] == "missing"
    told = slack.calls_to("chat.postEphemeral")[0].params
    assert told["user"] == "W111" and "FM-42" in told["text"]
