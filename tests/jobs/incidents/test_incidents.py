"""Incident events through the real web app and a real RQ worker, against the fake Slack API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rq.registry import ScheduledJobRegistry
from starlette.testclient import TestClient

from bot.services import Services
from jobs.queue import JOBS
from jobs.runtime import JobContext
from storage.models import Case
from tests.fakes.incident_webhooks import am_group, load, pd_event, post_alertmanager, post_pagerduty
from tests.fakes.slack_api import FakeSlackApi

CHANNEL = "C0INCIDENTS"


def only_case(services: Services, case_id: int = 1) -> Case:
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    return case


def root(slack: FakeSlackApi, case: Case) -> str:
    assert case.root_ts is not None
    return str(slack.messages[case.root_ts]["blocks"])


def lines(slack: FakeSlackApi, case: Case) -> list[str]:
    assert case.root_ts is not None
    return [str(m["text"]) for m in slack.thread(case.channel_id, case.root_ts) if not m["blocks"]]


def deliver(web: TestClient, run_jobs: Callable[[], None], *bodies: dict[str, Any]) -> None:
    for body in bodies:
        assert post_pagerduty(web, body).status_code in (200, 202)
    run_jobs()


def test_triggered_incident_opens_a_diagnosed_case_with_incident_details(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    deliver(web, run_jobs, load("pagerduty_v3_incident_triggered.json"))

    case = only_case(services)
    assert (case.channel_id, case.source, case.service, case.dedupe_key) == (
        CHANNEL,
        "pagerduty",
        "Checkout",
        "pagerduty:PGR0VU2",
    )
    card = root(slack, case)
    assert "[FIRING:2] KubePodCrashLooping shop" in card
    assert "PagerDuty" in card and "P1" in card and "Triggered" in card
    assert "https://acme.pagerduty.com/incidents/PGR0VU2" in card
    assert any("Diagnosis for FM-1" in str(m["blocks"]) for m in slack.thread(CHANNEL, case.root_ts or ""))
    assert case.diagnosis_json is not None


def test_lifecycle_updates_root_in_place_and_adds_one_line_per_event(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    deliver(web, run_jobs, load("pagerduty_v3_incident_triggered.json"))
    roots_before = len([c for c in slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")])

    deliver(web, run_jobs, load("pagerduty_v3_incident_acknowledged.json"))
    case = only_case(services)
    assert "Acknowledged by*\\nTenex Engineer" in root(slack, case)
    assert len(lines(slack, case)) == 1 and lines(slack, case)[0].startswith(
        "👀 Acknowledged by Tenex Engineer (PagerDuty) <!date^"
    )

    deliver(web, run_jobs, load("pagerduty_v3_incident_resolved.json"))
    case = only_case(services)
    assert case.status == "resolved"
    assert "✅ Resolved" in root(slack, case)
    assert lines(slack, case)[-1].startswith("✅ Resolved by Tenex Engineer (PagerDuty)")
    roots_after = len([c for c in slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")])
    assert roots_before == roots_after == 1


def test_each_pagerduty_event_type_says_one_concise_line(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    deliver(web, run_jobs, load("pagerduty_v3_incident_triggered.json"))
    later = [
        pd_event(
            "incident.escalated", "E2", "2025-03-14T14:10:00Z", assignees=[{"id": "P2", "summary": "Jane"}]
        ),
        pd_event(
            "incident.reassigned", "E3", "2025-03-14T14:11:00Z", assignees=[{"id": "P3", "summary": "Raj"}]
        ),
        pd_event("incident.annotated", "E4", "2025-03-14T14:12:00Z", content="Rolled back to v41"),
        pd_event(
            "incident.priority_updated", "E5", "2025-03-14T14:13:00Z", priority={"id": "X", "summary": "P2"}
        ),
        pd_event("incident.acknowledged", "E6", "2025-03-14T14:14:00Z", "acknowledged", agent="Jane"),
        pd_event("incident.unacknowledged", "E7", "2025-03-14T14:15:00Z", "triggered"),
        pd_event("incident.resolved", "E8", "2025-03-14T14:16:00Z", "resolved", agent="Jane"),
        pd_event("incident.reopened", "E9", "2025-03-14T14:17:00Z", "triggered", agent="Raj"),
    ]
    for body in later:
        deliver(web, run_jobs, body)

    case = only_case(services)
    said = lines(slack, case)
    expected = [
        "⏫ Escalated to Jane",
        "👤 Reassigned to Raj by Tenex Engineer",
        "📝 Note by Tenex Engineer",
        "🏷️ Priority P2 by Tenex Engineer",
    ]
    expected += ["👀 Acknowledged by Jane", "↩️ Unacknowledged", "✅ Resolved by Jane", "🔁 Reopened by Raj"]
    assert [line.split(" (PagerDuty)")[0] for line in said] == expected
    assert said[2].endswith(": Rolled back to v41")
    assert case.status == "investigating", "reopened in the source reopens the case"
    assert "Incident*\\nTriggered" in root(slack, case) and "Acknowledged by*" not in root(slack, case)


def test_resolved_before_acknowledged_ends_resolved(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    deliver(web, run_jobs, load("pagerduty_v3_incident_triggered.json"))
    deliver(web, run_jobs, load("pagerduty_v3_incident_resolved.json"))
    deliver(web, run_jobs, load("pagerduty_v3_incident_acknowledged.json"))

    case = only_case(services)
    assert case.status == "resolved"
    card = root(slack, case)
    assert "Incident*\\nResolved" in card and "✅ Resolved" in card
    said = lines(slack, case)
    assert said[0].startswith("✅ Resolved by") and said[1].startswith("👀 Acknowledged by")


def test_all_three_delivered_out_of_order_in_one_batch(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    deliver(
        web,
        run_jobs,
        load("pagerduty_v3_incident_triggered.json"),
        load("pagerduty_v3_incident_resolved.json"),
        load("pagerduty_v3_incident_acknowledged.json"),
    )

    case = only_case(services)
    assert case.status == "resolved"
    assert "Incident*\\nResolved" in root(slack, case)


def test_duplicates_and_repeats_never_open_a_second_case(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    triggered = load("pagerduty_v3_incident_triggered.json")
    deliver(web, run_jobs, triggered, triggered)
    again = pd_event("incident.triggered", "OTHER-ID", "2025-03-14T14:08:13Z")
    deliver(web, run_jobs, again, triggered)

    assert services.cases.get(2) is None
    case = only_case(services)
    assert lines(slack, case) == []
    assert len([c for c in slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")]) == 1


def test_alertmanager_group_opens_case_with_runbook_and_resolves(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    assert post_alertmanager(web, load("alertmanager_v4_firing.json")).status_code == 202
    run_jobs()

    case = only_case(services)
    assert case.source == "alertmanager" and case.channel_id == CHANNEL
    assert case.title.startswith("KubePodCrashLooping shop: A container is restarting repeatedly.")
    assert "runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping" in root(slack, case)
    assert "Runbook:" in case.description and "pod=checkout-5f7c9d8b6-2xkqz" not in case.description
    assert "checkout-5f7c9d8b6-9mwbt keeps restarting" in case.description
    assert case.severity in ("medium", "high", "critical")

    assert post_alertmanager(web, load("alertmanager_v4_resolved.json")).status_code == 202
    run_jobs()

    case = only_case(services)
    assert case.status == "resolved"
    assert lines(slack, case)[-1].startswith("✅ Resolved (Alertmanager)")


def test_routing_rule_sends_a_group_to_its_channel(
    web: TestClient, services: Services, run_jobs: Callable[[], None]
) -> None:
    post_alertmanager(web, am_group("PaymentsDown", ["pay-1"], namespace="payments"))
    run_jobs()

    assert only_case(services).channel_id == "C0PAYMENTS"


def test_flood_of_200_alerts_makes_a_handful_of_threads(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    for i in range(200):
        body = am_group(f"Flood{i % 4}", [f"pod-{j}" for j in range(i // 4 + 1)])
        assert post_alertmanager(web, body).status_code == 202
    run_jobs()

    cases = [only_case(services, n) for n in range(1, 5)]
    assert services.cases.get(5) is None
    posts = slack.calls_to("chat.postMessage")
    updates = slack.calls_to("chat.update")
    assert len(posts) <= 4 * 4, [p.params.get("text", "")[:40] for p in posts]
    assert len(posts) + len(updates) <= 4 * 10
    for case in cases:
        said = lines(slack, case)
        assert len(said) == 1, "49 changes coalesced into one thread message"
        assert "🔥 50 alerts firing" in said[0] and "earlier updates" in said[0]


def test_debounced_updates_schedule_one_sync_per_window(
    web: TestClient, services: Services, job_context: JobContext, run_jobs: Callable[[], None]
) -> None:
    assert job_context.incidents is not None
    job_context.incidents.debounce_seconds = 60
    for i in range(30):
        post_alertmanager(web, am_group("Debounced", [f"pod-{j}" for j in range(i + 1)]))
    run_jobs()

    scheduled = ScheduledJobRegistry(
        queue=services.queue.queue(JOBS["sync_incident_thread"].queue)
    ).get_job_ids()  # type: ignore[no-untyped-call]
    assert 1 <= len(scheduled) <= 2, scheduled
