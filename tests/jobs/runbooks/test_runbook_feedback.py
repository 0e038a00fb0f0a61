"""'Did these runbooks help?' on resolved cases, through the real signed app and worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot.services import Services
from engine.search.fusion import effectiveness_boost
from jobs.cases.intake import NewCaseRequest
from jobs.cases.resolutions import resolve_case
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.incident_webhooks import load, post_pagerduty
from tests.fakes.signing import interactive_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_resolutions import say_resolve

REPORT = "redis on cache-01 rejects writes: OOM command not allowed when used memory > maxmemory"
QUESTION = "Did these runbooks help?"
_clicks = count(1)


def vote(
    web: TestClient, action_id: str, value: str, user: str, channel: str = "C111", retries: int = 0
) -> None:
    """A signed click on ✅ / ❌; `retries`: Slack delivering the very same click again."""
    n = next(_clicks)
    for _ in range(1 + retries):
        assert vote_response(web, action_id, value, user, channel, n)[0] == 200


def vote_response(
    web: TestClient, action_id: str, value: str, user: str, channel: str = "C111", n: int | None = None
) -> tuple[int, str]:
    """One signed click on ✅ / ❌ (click number `n`, new by default): the answer's status and text."""
    n = next(_clicks) if n is None else n
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"888.999.{n}",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": "1700.1"},
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "action_ts": f"1720.{n}"}],
    }
    body = interactive_body(payload)
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    return response.status_code, response.text


def open_case(services: Services, run_jobs: Callable[[], None], key: str = "slash:fb1") -> str:
    services.intake.open_case(
        NewCaseRequest(dedupe_key=key, source="slash", channel_id="C111", reporter_id="W111", text=REPORT)
    )
    run_jobs()
    case = services.cases.find_by_dedupe_key(key)
    assert case is not None and case.root_ts is not None
    return case.root_ts


def questions(slack: FakeSlackApi, channel: str, root_ts: str) -> list[dict[str, Any]]:
    return [m for m in slack.thread(channel, root_ts) if m["text"] == QUESTION]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(slack: FakeSlackApi, message: dict[str, Any]) -> str:
    """The message as it is now (after chat.update), as text."""
    return json.dumps(slack.messages[str(message["ts"])]["blocks"], ensure_ascii=False)


def last_ephemeral(slack: FakeSlackApi) -> dict[str, Any]:
    return dict(slack.calls_to("chat.postEphemeral")[-1].params)


def test_resolving_asks_once_and_each_person_votes_once_with_the_tally_updated_in_place(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    root_ts = open_case(services, run_jobs)
    say_resolve(web, "C111", root_ts)
    run_jobs()
    resolve_case(1)  # the job again: still one question

    [question] = questions(slack, "C111", root_ts)
    thread = slack.thread("C111", root_ts)
    assert thread.index(question) < next(i for i, m in enumerate(thread) if "Create a runbook" in m["text"])
    values = [b["value"] for b in buttons(question) if b["action_id"] == "fm_runbook_worked"]
    assert 1 <= len(values) <= 3
    redis = runbook_library.search(REPORT, k=1)[0].runbook
    value = f"1:{redis.id}"
    assert value in values and "no votes yet" in shown(slack, question)

    vote(web, "fm_runbook_worked", value, "W1", retries=1)  # Slack retried the delivery
    vote(web, "fm_runbook_worked", value, "W1")  # and W1 double-clicked
    vote(web, "fm_runbook_worked", value, "W2")
    vote(web, "fm_runbook_failed", value, "W3")
    run_jobs()

    assert f"{redis.ref} · Redis" in shown(slack, question)
    assert "✅ 2 · ❌ 1 here · worked 1/1 times overall" in shown(slack, question)
    assert not slack.calls_to("chat.postEphemeral"), "accepted votes are acknowledged in place"
    counted = runbook_library.get(redis.id)
    assert counted is not None and (counted.times_used, counted.times_worked) == (1, 1)

    vote(web, "fm_runbook_worked", value, "W3")  # W3 changes their mind
    vote(web, "fm_runbook_failed", value, "W1")
    vote(web, "fm_runbook_failed", value, "W2")
    run_jobs()

    assert "✅ 1 · ❌ 2 here · worked 0/1 times overall" in shown(slack, question)
    assert last_ephemeral(slack)["text"] == f"Changed your vote on {redis.ref} to ❌ didn't help."
    assert last_ephemeral(slack)["thread_ts"] == root_ts
    counted = runbook_library.get(redis.id)
    assert counted is not None and (counted.times_used, counted.times_worked) == (1, 0)
    assert job_context.audit is not None
    audited = [r for r in job_context.audit.for_case(1) if r.kind == "runbook_feedback"]
    assert [(r.actor, r.data["worked"]) for r in audited] == [
        ("W1", True),
        ("W2", True),
        ("W3", False),
        ("W3", True),
        ("W1", False),
        ("W2", False),
    ]


def test_forged_or_misplaced_votes_get_a_friendly_refusal_and_count_nothing(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    root_ts = open_case(services, run_jobs)
    vote(web, "fm_runbook_worked", "1:1", "W9")  # before anyone asked
    run_jobs()
    assert "haven't asked for runbook feedback on FM-1" in last_ephemeral(slack)["text"]

    say_resolve(web, "C111", root_ts)
    run_jobs()
    [question] = questions(slack, "C111", root_ts)
    asked = {int(b["value"].split(":")[1]) for b in buttons(question)}
    never_suggested = next(r.id for r in runbook_library.repo.find() if r.id not in asked)
    before = shown(slack, question)

    # A malformed value is refused at the edge with its reason; nothing is queued for it.
    status, answer = vote_response(web, "fm_runbook_failed", "not-a-vote", "W9")
    assert status == 400 and "not a valid case and runbook id" in json.loads(answer)["reason"]
    cases = [
        (f"1:{never_suggested}", f"RB-{never_suggested:04d} wasn't suggested on FM-1"),
        ("1:999999", "RB-999999 wasn't suggested on FM-1"),
        ("77:1", "haven't asked for runbook feedback on FM-77"),
    ]
    for value, refusal in cases:
        vote(web, "fm_runbook_failed", value, "W9")
        run_jobs()
        said = last_ephemeral(slack)
        assert refusal in said["text"] and said["user"] == "W9", value
    vote(web, "fm_runbook_worked", f"1:{min(asked)}", "W9", channel="C999")
    run_jobs()
    assert "didn't come from the case's thread" in last_ephemeral(slack)["text"]
    assert last_ephemeral(slack)["channel"] == "C999" and "thread_ts" not in last_ephemeral(slack)

    assert shown(slack, question) == before
    assert all(r.times_used == 0 for r in runbook_library.repo.find())


def test_votes_show_on_the_next_suggestion_and_lift_the_runbook_in_search(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    [before] = runbook_library.search(REPORT, k=1)
    root_ts = open_case(services, run_jobs)
    say_resolve(web, "C111", root_ts)
    run_jobs()

    vote(web, "fm_runbook_worked", f"1:{before.runbook.id}", "W1")
    run_jobs()

    [after] = runbook_library.search(REPORT, k=1)
    assert after.runbook.id == before.runbook.id
    assert after.hit.score / before.hit.score == pytest.approx(
        effectiveness_boost(1, 1) / effectiveness_boost(0, 0)
    )
    next_root = open_case(services, run_jobs, key="slash:fb2")
    [suggestion] = [m for m in slack.thread("C111", next_root) if "Similar runbook" in str(m["blocks"])]
    [line] = [b["text"]["text"] for b in suggestion["blocks"] if f"*{before.runbook.ref} · " in str(b)]
    assert line.split("\n")[0].endswith("* (worked 1/1 times)")


def test_a_case_resolved_in_pagerduty_is_asked_once_after_the_resolved_line(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    post_pagerduty(web, load("pagerduty_v3_incident_triggered.json"))
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    assert [m for m in slack.thread(case.channel_id, case.root_ts) if "Similar runbook" in str(m["blocks"])]

    post_pagerduty(web, load("pagerduty_v3_incident_resolved.json"))
    run_jobs()
    post_pagerduty(web, load("pagerduty_v3_incident_resolved.json"))  # a redelivery
    say_resolve(web, case.channel_id, case.root_ts)  # and someone resolves it in Slack as well
    run_jobs()

    thread = slack.thread(case.channel_id, case.root_ts)
    [question] = questions(slack, case.channel_id, case.root_ts)
    resolved = [i for i, m in enumerate(thread) if str(m["text"]).startswith("✅ Resolved")]
    assert resolved and thread.index(question) > min(resolved)
    value = buttons(question)[0]["value"]
    vote(web, "fm_runbook_worked", value, "W1", channel=case.channel_id)
    run_jobs()
    assert "✅ 1 · ❌ 0 here" in shown(slack, question)
