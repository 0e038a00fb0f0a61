"""Sample incidents the playground can inject, shaped like PagerDuty's v3 webhook (incident.triggered)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

SAMPLES = (
    ("checkout-api", "high", "checkout-api: 5xx error rate above 5% since the 14:00 deploy"),
    ("cache-redis", "high", "redis cache-01 used_memory at maxmemory, OOM command not allowed"),
    ("payments-db", "low", "payments-db replica lag above 300s"),
)


def sample_pagerduty_incident(index: int) -> dict[str, Any]:
    """One of a few realistic `incident.triggered` events (index wraps around)."""
    service, urgency, title = SAMPLES[index % len(SAMPLES)]
    incident_id = "Q" + secrets.token_hex(6).upper()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "event": {
            "id": "01" + secrets.token_hex(12).upper(),
            "event_type": "incident.triggered",
            "resource_type": "incident",
            "occurred_at": now,
            "agent": None,
            "client": {"name": "FaultMaven playground"},
            "data": {
                "id": incident_id,
                "type": "incident",
                "self": f"https://api.pagerduty.invalid/incidents/{incident_id}",
                "html_url": f"https://playground.pagerduty.invalid/incidents/{incident_id}",
                "number": 1000 + index,
                "status": "triggered",
                "incident_key": secrets.token_hex(16),
                "created_at": now,
                "title": title,
                "service": {
                    "id": "PSVC" + str(index % len(SAMPLES)),
                    "type": "service_reference",
                    "summary": service,
                    "self": "https://api.pagerduty.invalid/services/PSVC",
                    "html_url": "https://playground.pagerduty.invalid/services/PSVC",
                },
                "assignees": [],
                "escalation_policy": {
                    "id": "PESC",
                    "type": "escalation_policy_reference",
                    "summary": "On call",
                },
                "teams": [],
                "priority": None,
                "urgency": urgency,
                "conference_bridge": None,
                "resolve_reason": None,
            },
        }
    }


def follow_up_event(triggered: dict[str, Any], status: str, agent_name: str) -> dict[str, Any]:
    """The `incident.acknowledged` / `incident.resolved` event for an incident the playground opened."""
    if status not in ("acknowledged", "resolved"):
        raise ValueError(f"a PagerDuty incident cannot become {status!r} from the playground")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {**triggered["event"]["data"], "status": status}
    agent_id = "P" + secrets.token_hex(3).upper()
    agent = {
        "id": agent_id,
        "type": "user_reference",
        "summary": agent_name,
        "html_url": f"https://playground.pagerduty.invalid/users/{agent_id}",
    }
    if status == "acknowledged":
        data["assignees"] = [agent]
    return {
        "event": {
            **triggered["event"],
            "id": "01" + secrets.token_hex(12).upper(),
            "event_type": f"incident.{status}",
            "occurred_at": now,
            "agent": agent,
            "data": data,
        }
    }
