"""Incident webhooks through the real web app: verification, parsing, storing, enqueueing."""

from __future__ import annotations

import json
import statistics
import time

from starlette.testclient import TestClient

from bot.services import Services
from handlers.events import resolve_summary
from jobs.queue import JOBS
from tests.fakes.incident_webhooks import (
    am_group,
    load,
    pd_event,
    post_alertmanager,
    post_pagerduty,
)
from tests.fakes.pagerduty_api import PD_WEBHOOK_SECRETS


def default_jobs(services: Services) -> list[str]:
    return services.queue.queue(JOBS["process_incident_event"].queue).job_ids


def test_pagerduty_triggered_is_stored_and_queued(web: TestClient, services: Services) -> None:
    response = post_pagerduty(web, load("pagerduty_v3_incident_triggered.json"))

    assert response.status_code == 202
    assert response.json() == {"ok": True, "queued": True}
    assert default_jobs(services) == ["process_incident_event-1"]


def test_every_shared_pagerduty_payload_is_accepted(web: TestClient, services: Services) -> None:
    for name in ("triggered", "acknowledged", "resolved"):
        assert post_pagerduty(web, load(f"pagerduty_v3_incident_{name}.json")).status_code == 202

    assert len(default_jobs(services)) == 3


def test_either_rotated_secret_signs_validly(web: TestClient) -> None:
    old, new = PD_WEBHOOK_SECRETS
    assert (
        post_pagerduty(web, pd_event("incident.triggered", "E1", "2025-03-14T14:08:12Z"), old).status_code
        == 202
    )
    assert (
        post_pagerduty(web, pd_event("incident.triggered", "E2", "2025-03-14T14:08:12Z"), new).status_code
        == 202
    )
    assert (
        post_pagerduty(
            web, pd_event("incident.triggered", "E3", "2025-03-14T14:08:12Z"), "other", new
        ).status_code
        == 202
    )


def test_bad_or_missing_signature_is_401_and_stores_nothing(web: TestClient, services: Services) -> None:
    body = json.dumps(load("pagerduty_v3_incident_triggered.json")).encode()

    forged = post_pagerduty(web, body, "not-the-secret")
    unsigned = web.post("/webhooks/pagerduty", content=body, headers={"Content-Type": "application/json"})

    assert (forged.status_code, unsigned.status_code) == (401, 401)
    assert forged.json()["error"] == "invalid_signature"
    assert default_jobs(services) == []


def test_redelivered_event_is_a_noop(web: TestClient, services: Services) -> None:
    body = load("pagerduty_v3_incident_triggered.json")

    first, again = post_pagerduty(web, body), post_pagerduty(web, body)

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"ok": True, "duplicate": True}
    assert default_jobs(services) == ["process_incident_event-1"]


def test_unknown_event_type_is_accepted_and_ignored(web: TestClient, services: Services) -> None:
    body = pd_event("service.updated", "E9", "2025-03-14T14:08:12Z")

    response = post_pagerduty(web, body)

    assert response.status_code == 202
    assert response.json() == {"ok": True, "ignored": "service.updated"}
    assert default_jobs(services) == []


def test_malformed_bodies_get_400_with_a_reason(web: TestClient, services: Services) -> None:
    no_status = pd_event("incident.triggered", "E1", "2025-03-14T14:08:12Z")
    del no_status["event"]["data"]["status"]

    not_json = post_pagerduty(web, b"{not json")
    missing = post_pagerduty(web, no_status)
    bad_time = post_pagerduty(web, pd_event("incident.triggered", "E2", "yesterday"))

    assert [r.status_code for r in (not_json, missing, bad_time)] == [400, 400, 400]
    assert missing.json()["reason"].startswith("status:")
    assert bad_time.json()["reason"].startswith("event.occurred_at:")
    assert "json" in not_json.json()["reason"].lower()
    assert default_jobs(services) == []


def test_alertmanager_group_is_stored_and_queued(web: TestClient, services: Services) -> None:
    response = post_alertmanager(web, load("alertmanager_v4_firing.json"))
    repeat = post_alertmanager(web, load("alertmanager_v4_firing.json"))
    resolved = post_alertmanager(web, load("alertmanager_v4_resolved.json"))

    assert (response.status_code, repeat.status_code, resolved.status_code) == (202, 200, 202)
    assert len(default_jobs(services)) == 2


def test_alertmanager_needs_the_bearer_token(web: TestClient, services: Services) -> None:
    body = json.dumps(load("alertmanager_v4_firing.json"))

    wrong = post_alertmanager(web, load("alertmanager_v4_firing.json"), token="guess")
    missing = web.post("/webhooks/alertmanager", content=body, headers={"Content-Type": "application/json"})

    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert default_jobs(services) == []


def test_alertmanager_malformed_and_wrong_version_are_400(web: TestClient) -> None:
    old_version = {**load("alertmanager_v4_firing.json"), "version": "3"}
    no_key = {**load("alertmanager_v4_firing.json"), "groupKey": ""}

    assert post_alertmanager(web, old_version).json()["reason"].startswith("version:")
    assert post_alertmanager(web, no_key).status_code == 400
    assert post_alertmanager(web, b"[]").status_code == 400


def test_handler_answers_in_milliseconds_under_a_burst(web: TestClient, services: Services) -> None:
    timings = []
    for i in range(200):
        body = am_group(f"Flood{i % 4}", [f"pod-{j}" for j in range(i // 4 + 1)])
        started = time.perf_counter()
        assert post_alertmanager(web, body).status_code == 202
        timings.append(time.perf_counter() - started)

    assert statistics.median(timings) < 0.05, f"median {statistics.median(timings) * 1000:.1f} ms"
    assert len(default_jobs(services)) == 200


def test_resolve_command_is_recognised() -> None:
    assert resolve_summary("resolve rolled back v42; bad config") == "rolled back v42; bad config"
    assert resolve_summary("Resolved: cert renewed") == "cert renewed"
    assert resolve_summary("resolve") == ""
    assert resolve_summary("resolver pods are failing") is None
    assert resolve_summary("how do I resolve this?") is None
