"""`GET /metrics` of the web process: requests by surface and outcome, ack latency, backlog figures."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from bot.app import create_app
from bot.metrics import instrument_web_app
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from tests.fakes.signing import signed_headers, slash_command_body


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def instrumented(settings: Settings, services: Services) -> TestClient:
    web = create_web_app(services, create_app(settings, services))
    instrument_web_app(web, services)
    return TestClient(web)


def test_slash_command_is_counted_timed_and_leaves_a_queued_job_and_backlog(
    settings: Settings, services: Services
) -> None:
    client = instrumented(settings, services)
    before = scrape(client)
    body = slash_command_body("help checkout pods OOMKilled", trigger_id="metrics.1")

    assert client.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200
    bad = client.post(
        "/slack/events", content=body, headers={**signed_headers(body), "X-Slack-Signature": "v0=0"}
    )
    assert bad.status_code == 401

    after = scrape(client)
    ok = {"surface": "slash_command", "outcome": "ok"}
    rejected = {"surface": "slash_command", "outcome": "rejected"}
    assert (
        value(after, "faultmaven_requests_total", **ok)
        == value(before, "faultmaven_requests_total", **ok) + 1
    )
    assert value(after, "faultmaven_requests_total", **rejected) == (
        value(before, "faultmaven_requests_total", **rejected) + 1
    )
    count = "faultmaven_ack_seconds_count"
    assert value(after, count, surface="slash_command") == value(before, count, surface="slash_command") + 2
    # No worker ran: the diagnosis waits on `high`, its outbox entry unclaimed.
    assert value(after, "faultmaven_queue_depth", queue="high") == 1
    assert value(after, "faultmaven_queue_depth", queue="low") == 0
    assert value(after, "faultmaven_outbox_backlog_age_seconds") >= 0
    assert ("faultmaven_outbox_backlog_age_seconds", ()) in after
    assert value(after, "faultmaven_cases_opened_total") == 1
    assert value(after, "faultmaven_cases", status="investigating") == 1


def test_webhooks_are_their_own_surface(settings: Settings, services: Services) -> None:
    client = instrumented(settings, services)
    before = scrape(client)

    assert client.post("/webhooks/alertmanager", content=b"{}").status_code == 401

    after = scrape(client)
    labels = {"surface": "webhook", "outcome": "rejected"}
    assert (
        value(after, "faultmaven_requests_total", **labels)
        == value(before, "faultmaven_requests_total", **labels) + 1
    )
