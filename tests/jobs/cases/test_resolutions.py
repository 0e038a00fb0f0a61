"""`@FaultMaven resolve …` in a case thread resolves the case and syncs back to PagerDuty."""

from __future__ import annotations

from collections.abc import Callable

from rq.registry import ScheduledJobRegistry
from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.resolutions import sync_pagerduty_resolution
from jobs.runtime import JobContext
from tests.fakes.incident_webhooks import load, post_pagerduty
from tests.fakes.pagerduty_api import FakePagerDutyApi
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi

SUMMARY = "root cause: bad memory limit in v42; fix: rolled back to v41"


def open_incident_case(web: TestClient, services: Services, run_jobs: Callable[[], None]) -> tuple[str, str]:
    post_pagerduty(web, load("pagerduty_v3_incident_triggered.json"))
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    return case.channel_id, case.root_ts


def say_resolve(web: TestClient, channel: str, root_ts: str, ts: str = "1800000100.000100") -> None:
    text = f"<@U0FMBOT> resolve {SUMMARY}"
    base = {"channel": channel, "user": "W222", "text": text, "ts": ts, "thread_ts": root_ts}
    for kind, event_id in (("message", "EvR1"), ("app_mention", "EvR2")):
        body = event_body({**base, "type": kind}, event_id)
        response = web.post(
            "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
        )
        assert response.status_code == 200


def test_resolve_in_thread_resolves_case_and_pagerduty_despite_one_failure(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    pagerduty: FakePagerDutyApi,
    run_jobs: Callable[[], None],
) -> None:
    channel, root_ts = open_incident_case(web, services, run_jobs)
    pagerduty.fail_next(1)

    say_resolve(web, channel, root_ts)
    say_resolve(web, channel, root_ts)  # Slack retried: nothing new
    run_jobs()

    case = services.cases.get(1)
    assert case is not None and case.status == "resolved"
    assert "✅ Resolved" in str(slack.messages[root_ts]["blocks"])
    said = [
        m["text"] for m in slack.thread(channel, root_ts) if m["text"].startswith("✅ Resolved by <@W222>")
    ]
    assert said == [f"✅ Resolved by <@W222>: {SUMMARY}"]
    assert len(pagerduty.failures) == 1, "the first call failed and was retried"
    assert pagerduty.notes["PGR0VU2"] == [pagerduty.notes["PGR0VU2"][0]]
    assert SUMMARY in pagerduty.notes["PGR0VU2"][0] and "FM-1" in pagerduty.notes["PGR0VU2"][0]
    assert pagerduty.incidents["PGR0VU2"]["status"] == "resolved"
    put = next(c for c in pagerduty.calls if c.method == "PUT")
    assert put.headers["accept"] == "application/vnd.pagerduty+json;version=2"
    assert not [m for m in slack.thread(channel, root_ts) if "Updated diagnosis" in str(m["blocks"])], (
        "a resolve command is not answered as evidence"
    )


def test_pagerduty_outage_reschedules_the_sync_instead_of_losing_it(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    pagerduty: FakePagerDutyApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    channel, root_ts = open_incident_case(web, services, run_jobs)
    pagerduty.fail_next(100)

    say_resolve(web, channel, root_ts)
    run_jobs()

    scheduled = ScheduledJobRegistry(queue=services.queue.queue("default")).get_job_ids()  # type: ignore[no-untyped-call]
    assert scheduled == ["sync_pagerduty_resolution-1-1"]
    assert "PGR0VU2" not in pagerduty.incidents
    said = [str(m["text"]) for m in slack.thread(channel, root_ts)]
    assert sum("Could not update the PagerDuty incident" in t for t in said) == 1

    pagerduty.fail_next(0)
    # What the worker's scheduler does when the retry is due.
    assert sync_pagerduty_resolution(1, 1)["status"] == "synced"
    assert pagerduty.incidents["PGR0VU2"]["status"] == "resolved"
    assert len(pagerduty.notes["PGR0VU2"]) == 1


def test_already_resolved_incident_only_gets_the_note(
    web: TestClient,
    services: Services,
    pagerduty: FakePagerDutyApi,
    run_jobs: Callable[[], None],
) -> None:
    channel, root_ts = open_incident_case(web, services, run_jobs)
    post_pagerduty(web, load("pagerduty_v3_incident_resolved.json"))
    run_jobs()

    say_resolve(web, channel, root_ts)
    run_jobs()

    assert len(pagerduty.notes["PGR0VU2"]) == 1
    assert not [c for c in pagerduty.calls if c.method == "PUT"]


def test_resolving_a_slash_command_case_updates_it_without_pagerduty(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    pagerduty: FakePagerDutyApi,
    run_jobs: Callable[[], None],
) -> None:
    from jobs.cases.intake import NewCaseRequest

    services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:1", source="slash", channel_id="C111", reporter_id="W1", text="disk full"
        )
    )
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None

    say_resolve(web, "C111", case.root_ts)
    run_jobs()

    case = services.cases.get(1)
    assert case is not None and case.status == "resolved" and case.root_ts is not None
    assert "✅ Resolved" in str(slack.messages[case.root_ts]["blocks"])
    assert pagerduty.calls == [] and pagerduty.failures == []
