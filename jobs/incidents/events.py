"""Incident jobs: apply a stored webhook event to its incident and case; keep the case thread in step."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.blocks.case import CardLink, CaseCard, build_case_root_blocks, case_root_text
from engine.models import CaseStatus
from jobs.audit.events import audit_incident_event
from jobs.cases.diagnosis import case_card, diagnose_case
from jobs.cases.intake import NewCaseRequest
from jobs.incidents.lines import SOURCE_LABEL, thread_line
from jobs.incidents.payloads import (
    PAGERDUTY,
    AlertmanagerWebhook,
    IncidentUpdate,
    PagerDutyWebhook,
    from_alertmanager,
    from_pagerduty,
)
from jobs.incidents.routing import route_channel
from jobs.incidents.runtime import IncidentRuntime
from jobs.runbooks.feedback import ask_for_runbook_feedback
from jobs.runbooks.offers import offer_runbook_at_source
from jobs.runtime import JobContext, current_context
from jobs.workspaces.team import team_job
from storage.incident_models import Incident, IncidentEvent
from storage.models import Case, as_utc

log = logging.getLogger(__name__)

MAX_LINES_PER_MESSAGE = 6


def incident_runtime() -> tuple[JobContext, IncidentRuntime]:
    """The job context and its incident runtime; a worker without one is misconfigured."""
    ctx = current_context()
    if ctx.incidents is None:
        raise RuntimeError("no IncidentRuntime installed: start jobs through `faultmaven worker`")
    return ctx, ctx.incidents


def parse_event(event: IncidentEvent) -> IncidentUpdate | None:
    """The normalised update a stored delivery carries (None for event types we ignore)."""
    if event.source == PAGERDUTY:
        hook = PagerDutyWebhook.model_validate_json(event.payload_json)
        if not hook.supported:
            return None
        update = from_pagerduty(hook)
    else:
        update = from_alertmanager(AlertmanagerWebhook.model_validate_json(event.payload_json))
    return update.model_copy(update={"occurred_at": as_utc(event.occurred_at)})


def incident_card(case: Case, incident: Incident) -> CaseCard:
    """The root-message view of an incident case: the case card plus the source's state."""
    return case_card(case).model_copy(
        update={
            "reporter_label": SOURCE_LABEL.get(incident.source, incident.source),
            "incident_status": incident.status,
            "acknowledged_by": incident.acknowledged_by,
            "priority": incident.priority,
            "links": [CardLink.model_validate(link) for link in json.loads(incident.links_json)],
        }
    )


def _snapshot(update: IncidentUpdate) -> dict[str, Any]:
    """Columns an event sets when it is the newest thing we know about the incident."""
    fields: dict[str, Any] = {"state_at": update.occurred_at}
    if update.status is not None:
        fields |= {"status": update.status, "title": update.title[:300], "service": update.service}
        fields |= {"priority": update.priority, "urgency": update.urgency, "html_url": update.html_url}
        fields["links_json"] = json.dumps([link.model_dump() for link in update.links])
        fields["detail_json"] = json.dumps({"firing": update.firing})
    if update.kind == "acknowledged":
        fields["acknowledged_by"] = update.actor
    elif update.status == "triggered" and update.source == PAGERDUTY:
        fields["acknowledged_by"] = None  # reopened or unacknowledged
    return fields


def process_incident_event(event_id: int) -> dict[str, Any]:
    """Apply one stored webhook delivery: open the case for a new incident, or record what changed."""
    ctx, rt = incident_runtime()
    ctx.cases.claim_job(f"process_incident_event:{event_id}")
    event = rt.repo.get_event(event_id)
    if event is None or event.processed_at is not None:
        return {"status": "missing" if event is None else "done", "event_id": event_id}
    update = parse_event(event)
    if update is None:
        rt.repo.finish_event(event_id, None, None)
        log.info("incident event type ignored", extra={"event_type": event.event_type})
        return {"status": "ignored", "event_id": event_id}
    incident = rt.repo.find(update.source, update.external_id)
    line: str | None = None
    if incident is None:
        incident = rt.repo.create(
            source=update.source,
            external_id=update.external_id,
            **{"status": update.status or "triggered", "title": update.title[:300], **_snapshot(update)},
        )
        before_status = None
    else:
        before_status = incident.status
        previous_firing = json.loads(incident.detail_json).get("firing", [])
        line = thread_line(update, previous_firing) if incident.case_id is not None else None
        if update.occurred_at >= as_utc(incident.state_at):
            rt.repo.update(incident.id, **_snapshot(update))
        elif update.kind == "firing":
            line = None  # a stale notification about the alert set: newer state already applied
        if update.kind == "resolved" and before_status == "resolved":
            line = None  # said already
    incident = rt.repo.get(incident.id) or incident
    opened = None
    if incident.case_id is None and incident.status != "resolved":
        opened = _open_case(ctx, rt, incident, update)
    elif incident.case_id is not None and before_status != incident.status:
        if incident.status == "resolved":
            ctx.cases.update_case(incident.case_id, status=CaseStatus.RESOLVED.value)
        elif before_status == "resolved":
            ctx.cases.update_case(incident.case_id, status=CaseStatus.INVESTIGATING.value)
    audit_incident_event(ctx, event_id, incident, update, before_status, incident.case_id or opened)
    rt.repo.finish_event(event_id, incident.id, line)
    if opened is not None:
        render_root(ctx, rt, incident.id)
        diagnose_case(opened)
        render_root(ctx, rt, incident.id)  # the diagnosis may have refined the severity
    schedule_thread_sync(rt, incident.id, event_id)
    return {"status": "applied", "incident_id": incident.id, "case_id": incident.case_id or opened}


def _open_case(
    ctx: JobContext, rt: IncidentRuntime, incident: Incident, update: IncidentUpdate
) -> int | None:
    channel = route_channel(rt.routes, update.attributes, rt.default_channel)
    if channel is None:
        log.warning(
            "incident has no channel: set FAULTMAVEN_INCIDENT_CHANNEL", extra={"incident": incident.id}
        )
        return None
    request = NewCaseRequest(
        dedupe_key=f"{update.source}:{update.external_id}",
        source=update.source,
        channel_id=channel,
        reporter_id=SOURCE_LABEL.get(update.source, update.source),
        text=update.evidence or update.title,
        title=update.title[:300],
        service=update.service,
        severity=update.severity,
    )
    case, _job, created = ctx.cases.open_case(request.to_new_case(), "diagnose_case")
    rt.repo.update(incident.id, case_id=case.id, channel_id=channel)
    log.info(
        "incident case opened", extra={"case": case.ref, "incident": incident.id, "case_created": created}
    )
    return case.id


def render_root(ctx: JobContext, rt: IncidentRuntime, incident_id: int) -> str | None:
    """Post the case root message, or update it in place when what it shows has changed."""
    incident = rt.repo.get(incident_id)
    case = ctx.cases.get(incident.case_id) if incident and incident.case_id else None
    if incident is None or case is None:
        return None
    card = incident_card(case, incident)
    digest = hashlib.sha256(card.model_dump_json().encode()).hexdigest()
    if case.root_ts is None:
        resp = ctx.slack.chat_postMessage(
            channel=case.channel_id, text=case_root_text(card), blocks=build_case_root_blocks(card)
        )
        ctx.cases.update_case(case.id, root_ts=str(resp["ts"]))
        rt.repo.update(incident_id, card_hash=digest)
        return str(resp["ts"])
    if digest != incident.card_hash:
        ctx.slack.chat_update(
            channel=case.channel_id,
            ts=case.root_ts,
            text=case_root_text(card),
            blocks=build_case_root_blocks(card),
        )
        rt.repo.update(incident_id, card_hash=digest)
    return case.root_ts


def schedule_thread_sync(rt: IncidentRuntime, incident_id: int, event_id: int) -> None:
    """Coalesce thread updates: one sync per incident per debounce window (outbox-backed)."""
    if rt.debounce_seconds <= 0:
        suffix, at = f"e{event_id}", None
    else:
        bucket = int(datetime.now(UTC).timestamp() // rt.debounce_seconds)
        suffix = f"b{bucket}"
        at = datetime.fromtimestamp((bucket + 1) * rt.debounce_seconds, UTC)
    job = team_job(
        f"sync_incident_thread:{incident_id}:{suffix}", "sync_incident_thread", [incident_id, suffix]
    )
    rt.repo.ensure_job(job)
    if at is None:
        rt.queue.enqueue(job)
    else:
        rt.queue.enqueue_later(job, at)


def sync_incident_thread(incident_id: int, suffix: str = "") -> dict[str, Any]:
    """Bring a case thread up to date: the root in place, then every pending line in one message."""
    ctx, rt = incident_runtime()
    ctx.cases.claim_job(f"sync_incident_thread:{incident_id}:{suffix}")
    root_ts = render_root(ctx, rt, incident_id)
    incident = rt.repo.get(incident_id)
    if root_ts is None or incident is None or incident.channel_id is None:
        return {"status": "no thread", "incident_id": incident_id}
    pending = rt.repo.pending_lines(incident_id)
    if not pending:
        _offer_runbook_if_resolved(ctx, incident)
        return {"status": "up to date", "incident_id": incident_id}
    shown = [e.thread_line or "" for e in pending[-MAX_LINES_PER_MESSAGE:]]
    if len(pending) > MAX_LINES_PER_MESSAGE:
        shown.insert(0, f"_…{len(pending) - MAX_LINES_PER_MESSAGE} earlier updates_")
    resp = ctx.slack.chat_postMessage(channel=incident.channel_id, thread_ts=root_ts, text="\n".join(shown))
    rt.repo.mark_lines_posted([e.id for e in pending], str(resp["ts"]))
    _offer_runbook_if_resolved(ctx, incident)
    return {"status": "posted", "incident_id": incident_id, "lines": len(pending)}


def _offer_runbook_if_resolved(ctx: JobContext, incident: Incident) -> None:
    # After the "resolved" line, so the thread reads in order; once per case, however often we sync.
    if incident.status == "resolved" and incident.case_id is not None:
        ask_for_runbook_feedback(ctx, incident.case_id)
        offer_runbook_at_source(ctx, incident.case_id)
