"""Pydantic models for PagerDuty V3 and Alertmanager v4 webhooks, and their one normalised form."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.models import Severity

PAGERDUTY = "pagerduty"
ALERTMANAGER = "alertmanager"
PAGERDUTY_EVENTS = frozenset(
    {
        "incident.triggered",
        "incident.acknowledged",
        "incident.unacknowledged",
        "incident.escalated",
        "incident.reassigned",
        "incident.annotated",
        "incident.priority_updated",
        "incident.resolved",
        "incident.reopened",
    }
)
_AM_SEVERITY = {
    "critical": Severity.CRITICAL,
    "page": Severity.CRITICAL,
    "error": Severity.HIGH,
    "high": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "info": Severity.LOW,
    "none": Severity.LOW,
}
_PD_PRIORITY = {"P1": Severity.CRITICAL, "P2": Severity.HIGH, "P3": Severity.MEDIUM}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class PdReference(_Lenient):
    id: str
    summary: str | None = None
    html_url: str | None = None
    type: str | None = None


class PdIncident(_Lenient):
    id: str = Field(min_length=1)
    html_url: str | None = None
    number: int | None = None
    status: Literal["triggered", "acknowledged", "resolved"]
    title: str = ""
    service: PdReference | None = None
    assignees: list[PdReference] = Field(default_factory=list)
    teams: list[PdReference] = Field(default_factory=list)
    priority: PdReference | None = None
    urgency: str | None = None
    conference_bridge: dict[str, Any] | None = None


class PdNote(_Lenient):
    """`incident.annotated` carries an incident_note: the text plus a reference to its incident."""

    content: str = ""
    incident: PdReference


class PdEvent(_Lenient):
    id: str = Field(min_length=1, max_length=100)
    event_type: str
    resource_type: str | None = None
    occurred_at: datetime
    agent: PdReference | None = None
    data: dict[str, Any]


class PagerDutyWebhook(_Lenient):
    event: PdEvent

    @property
    def supported(self) -> bool:
        """Whether we act on this event type (others are accepted and ignored)."""
        return self.event.event_type in PAGERDUTY_EVENTS

    def incident_id(self) -> str:
        """The incident this event is about; raises ValueError when the data does not say."""
        if self.event.data.get("type") == "incident_note":
            return PdNote.model_validate(self.event.data).incident.id
        return PdIncident.model_validate(self.event.data).id


class AmAlert(_Lenient):
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime = Field(alias="startsAt")
    ends_at: datetime | None = Field(default=None, alias="endsAt")
    generator_url: str = Field(default="", alias="generatorURL")
    fingerprint: str = ""


class AlertmanagerWebhook(_Lenient):
    version: Literal["4"]
    group_key: str = Field(min_length=1, alias="groupKey")
    truncated_alerts: int = Field(default=0, alias="truncatedAlerts")
    status: Literal["firing", "resolved"]
    receiver: str = ""
    group_labels: dict[str, str] = Field(default_factory=dict, alias="groupLabels")
    common_labels: dict[str, str] = Field(default_factory=dict, alias="commonLabels")
    common_annotations: dict[str, str] = Field(default_factory=dict, alias="commonAnnotations")
    external_url: str = Field(default="", alias="externalURL")
    alerts: list[AmAlert] = Field(default_factory=list)

    @property
    def external_id(self) -> str:
        """A fixed-length id for the group (groupKeys can be longer than an indexed column)."""
        return hashlib.sha256(self.group_key.encode()).hexdigest()[:40]

    @property
    def occurred_at(self) -> datetime:
        """When the newest change in this notification happened (start of firing, end of resolved)."""
        moments = [a.starts_at for a in self.alerts if a.status == "firing"]
        moments += [a.ends_at for a in self.alerts if a.status == "resolved" and a.ends_at]
        return max(moments, default=datetime.now(UTC))


class Link(BaseModel):
    label: str
    url: str


class IncidentUpdate(BaseModel):
    """What one webhook delivery says about an incident, whatever the source."""

    source: str
    external_id: str
    kind: str
    occurred_at: datetime
    status: Literal["triggered", "acknowledged", "resolved"] | None
    title: str
    service: str | None = None
    severity: Severity = Severity.MEDIUM
    priority: str | None = None
    urgency: str | None = None
    actor: str | None = None
    assignees: list[str] = Field(default_factory=list)
    html_url: str | None = None
    links: list[Link] = Field(default_factory=list)
    attributes: dict[str, str] = Field(default_factory=dict)
    evidence: str = ""
    note: str | None = None
    firing: list[str] = Field(default_factory=list)


def from_pagerduty(hook: PagerDutyWebhook) -> IncidentUpdate:
    """Normalise a supported PagerDuty event (the data is a full incident, or a note on one)."""
    event = hook.event
    kind = event.event_type.removeprefix("incident.")
    actor = event.agent.summary if event.agent else None
    if event.data.get("type") == "incident_note":
        note = PdNote.model_validate(event.data)
        return IncidentUpdate(
            source=PAGERDUTY,
            external_id=note.incident.id,
            kind=kind,
            occurred_at=event.occurred_at,
            status=None,
            title=note.incident.summary or note.incident.id,
            actor=actor,
            html_url=note.incident.html_url,
            note=note.content,
        )
    incident = PdIncident.model_validate(event.data)
    priority = incident.priority.summary if incident.priority else None
    severity = _PD_PRIORITY.get(priority or "") or (
        Severity.HIGH if incident.urgency == "high" else Severity.MEDIUM
    )
    service = incident.service.summary if incident.service else None
    links = [Link(label="PagerDuty incident", url=incident.html_url)] if incident.html_url else []
    if incident.conference_bridge and incident.conference_bridge.get("conference_url"):
        links.append(Link(label="Conference bridge", url=str(incident.conference_bridge["conference_url"])))
    attributes = {"service": service or "", "urgency": incident.urgency or "", "priority": priority or ""}
    if incident.service:
        attributes["service_id"] = incident.service.id
    if incident.teams:
        attributes["team"] = incident.teams[0].summary or incident.teams[0].id
    evidence = [
        f"PagerDuty incident #{incident.number or '?'} ({incident.id}): {incident.title}",
        f"Service: {service or 'unknown'}; urgency: {incident.urgency or 'unknown'}; "
        f"priority: {priority or 'none'}",
    ]
    return IncidentUpdate(
        source=PAGERDUTY,
        external_id=incident.id,
        kind=kind,
        occurred_at=event.occurred_at,
        status=incident.status,
        title=incident.title or f"PagerDuty incident {incident.id}",
        service=service,
        severity=severity,
        priority=priority,
        urgency=incident.urgency,
        actor=actor,
        assignees=[a.summary or a.id for a in incident.assignees],
        html_url=incident.html_url,
        links=links,
        attributes={k: v for k, v in attributes.items() if v},
        evidence="\n".join(evidence),
    )


def from_alertmanager(hook: AlertmanagerWebhook) -> IncidentUpdate:
    """Normalise an Alertmanager group notification."""
    labels = {**hook.group_labels, **hook.common_labels}
    annotations = hook.common_annotations
    name = labels.get("alertname", "Alert")
    scope = labels.get("namespace") or labels.get("service") or labels.get("job") or ""
    summary = annotations.get("summary", "")
    title = " ".join(part for part in (name, scope) if part) + (f": {summary}" if summary else "")
    firing = sorted(a.fingerprint or a.labels.get("pod", "") for a in hook.alerts if a.status == "firing")
    links = []
    if annotations.get("runbook_url"):
        links.append(Link(label="Runbook", url=annotations["runbook_url"]))
    generator = next((a.generator_url for a in hook.alerts if a.generator_url), "")
    if generator:
        links.append(Link(label="Prometheus graph", url=generator))
    if hook.external_url:
        links.append(Link(label="Alertmanager", url=hook.external_url))
    lines = [f"Alertmanager group {name} ({hook.status}, {len(hook.alerts)} alerts): {summary}".rstrip(": ")]
    lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(labels.items())))
    for alert in hook.alerts[:10]:
        text = alert.annotations.get("description") or alert.annotations.get("summary") or ""
        lines.append(f"- [{alert.status}] {text}".rstrip())
    if hook.truncated_alerts:
        lines.append(f"(+{hook.truncated_alerts} alerts truncated by Alertmanager)")
    if annotations.get("runbook_url"):
        lines.append(f"Runbook: {annotations['runbook_url']}")
    return IncidentUpdate(
        source=ALERTMANAGER,
        external_id=hook.external_id,
        kind="firing" if hook.status == "firing" else "resolved",
        occurred_at=hook.occurred_at,
        status="triggered" if hook.status == "firing" else "resolved",
        title=title[:300],
        service=labels.get("service") or labels.get("container") or labels.get("job"),
        severity=_AM_SEVERITY.get(labels.get("severity", "").lower(), Severity.MEDIUM),
        links=links,
        attributes=labels,
        evidence="\n".join(lines),
        firing=firing,
    )
