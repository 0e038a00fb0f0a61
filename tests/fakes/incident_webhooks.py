"""Incident webhook bodies built from the shared real-format payloads, and posting them signed."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from tests.fakes.pagerduty_api import pagerduty_signature

PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "payloads"
AM_TOKEN = "am-token-test-0123"


def load(name: str) -> dict[str, Any]:
    return dict(json.loads((PAYLOADS / name).read_text()))


def pd_event(
    event_type: str,
    event_id: str,
    occurred_at: str,
    status: str | None = None,
    incident_id: str = "PGR0VU2",
    agent: str = "Tenex Engineer",
    **data: Any,
) -> dict[str, Any]:
    """A PagerDuty V3 body shaped like the shared `incident.triggered` file, with the given changes."""
    body = load("pagerduty_v3_incident_triggered.json")
    event = body["event"]
    event.update(id=event_id, event_type=event_type, occurred_at=occurred_at)
    event["agent"]["summary"] = agent
    incident = event["data"]
    incident.update(id=incident_id, status=status or incident["status"], **data)
    incident["html_url"] = f"https://acme.pagerduty.com/incidents/{incident_id}"
    if event_type == "incident.annotated":
        # PagerDuty sends an incident_note here: the note text and a reference to its incident.
        event["data"] = {
            "id": "PNOTE9",
            "type": "incident_note",
            "content": data.get("content", "Rolled back checkout to v41"),
            "trimmed": False,
            "incident": {"id": incident_id, "type": "incident_reference", "summary": incident["title"]},
        }
    return body


def post_pagerduty(client: TestClient | httpx.Client, body: dict[str, Any] | bytes, *secrets: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "X-PagerDuty-Signature": pagerduty_signature(raw, *secrets),
    }
    return client.post("/webhooks/pagerduty", content=raw, headers=headers)


def am_group(
    group: str,
    pods: list[str],
    status: str = "firing",
    namespace: str = "shop",
    start: datetime | None = None,
) -> dict[str, Any]:
    """An Alertmanager v4 body shaped like the shared firing file: one alert per pod."""
    body = load("alertmanager_v4_firing.json" if status == "firing" else "alertmanager_v4_resolved.json")
    template = body["alerts"][0]
    begin = start or datetime(2025, 3, 14, 14, 0, tzinfo=UTC)
    alerts = []
    for i, pod in enumerate(pods):
        alert = copy.deepcopy(template)
        alert["labels"].update(pod=pod, namespace=namespace, alertname=group)
        alert["fingerprint"] = f"{group}-{pod}"
        alert["startsAt"] = (begin + timedelta(seconds=i)).isoformat()
        if status == "resolved":
            alert["endsAt"] = (begin + timedelta(hours=1, seconds=i)).isoformat()
        alerts.append(alert)
    body["alerts"] = alerts
    body["groupLabels"] = {"alertname": group, "namespace": namespace}
    body["commonLabels"].update(alertname=group, namespace=namespace)
    body["groupKey"] = f'{{}}/{{namespace="{namespace}"}}:{{alertname="{group}", namespace="{namespace}"}}'
    return body


def post_alertmanager(
    client: TestClient | httpx.Client, body: dict[str, Any] | bytes, token: str = AM_TOKEN
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return client.post("/webhooks/alertmanager", content=raw, headers=headers)
