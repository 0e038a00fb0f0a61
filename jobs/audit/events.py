"""The audit entries each job writes: one call per job, an event key per event so re-runs log once."""

from __future__ import annotations

from typing import Any

from engine.models import Diagnosis
from engine.runbooks.models import Runbook
from jobs.audit.runtime import record_audit
from jobs.incidents.payloads import IncidentUpdate
from jobs.runtime import JobContext
from storage.incident_models import CaseResolution, Incident
from storage.models import Case, CaseMessage, as_utc


def diagnosis_data(diagnosis: Diagnosis, turn: str) -> dict[str, Any]:
    """What a diagnosis is audited with: who answered, what it cost, what it concluded."""
    top = diagnosis.hypotheses[0] if diagnosis.hypotheses else None
    return {
        "turn": turn,
        "engine": diagnosis.engine,
        "model": diagnosis.model,
        "llm_calls": len(diagnosis.llm_calls),
        "input_tokens": sum(c.input_tokens for c in diagnosis.llm_calls),
        "output_tokens": sum(c.output_tokens for c in diagnosis.llm_calls),
        "cost_usd": round(sum(c.cost_usd for c in diagnosis.llm_calls), 6),
        "category": diagnosis.category.value,
        "severity": diagnosis.severity.value,
        "top_hypothesis": top.cause if top else None,
        "confidence": top.confidence if top else None,
        "confident": diagnosis.confident,
        # Only quotes actually seen in the case are audited as evidence; checks are not evidence.
        "observed": [f"{o.quote} ({o.where()})" for o in top.observed] if top else [],
        "summary": diagnosis.summary,
    }


def audit_case_diagnosed(ctx: JobContext, case: Case, diagnosis: Diagnosis) -> None:
    """The case as it was opened, then its first diagnosis."""
    opened = {
        "ref": case.ref,
        "source": case.source,
        "channel_id": case.channel_id,
        "title": case.title,
        "description": case.description,
        "service": case.service,
        "severity": case.severity,
        "opened_at": as_utc(case.created_at).isoformat(),
    }
    record_audit(
        ctx,
        "case_opened",
        case_id=case.id,
        actor=case.reporter_id,
        data=opened,
        event_key=f"case_opened:{case.id}",
    )
    record_audit(
        ctx,
        "diagnosis",
        case_id=case.id,
        actor=ctx.bot_user_id,
        data=diagnosis_data(diagnosis, "initial"),
        event_key=f"diagnose_case:{case.id}",
    )


def audit_thread_turn(ctx: JobContext, case: Case, message: CaseMessage, diagnosis: Diagnosis) -> None:
    """A human message in the case thread, then the follow-up diagnosis it led to."""
    record_audit(
        ctx,
        "message",
        case_id=case.id,
        actor=message.author_id,
        data={"text": message.text, "slack_ts": message.slack_ts},
        event_key=f"message:{message.id}",
    )
    record_audit(
        ctx,
        "diagnosis",
        case_id=case.id,
        actor=ctx.bot_user_id,
        data=diagnosis_data(diagnosis, "follow-up"),
        event_key=f"answer_in_thread:{message.id}",
    )


def audit_resolution(ctx: JobContext, case: Case, resolution: CaseResolution) -> None:
    """Someone resolved the case from Slack."""
    record_audit(
        ctx,
        "case_resolved",
        case_id=case.id,
        actor=resolution.resolved_by,
        data={"resolution_id": resolution.id, "summary": resolution.summary},
        event_key=f"resolve_case:{resolution.id}",
    )


def incident_kind(before_status: str | None, after_status: str) -> str:
    """incident_opened for a new incident, incident_resolved when it becomes resolved, else updated."""
    if before_status is None:
        return "incident_opened"
    if after_status == "resolved" and before_status != "resolved":
        return "incident_resolved"
    return "incident_updated"


def audit_incident_event(
    ctx: JobContext,
    event_id: int,
    incident: Incident,
    update: IncidentUpdate,
    before_status: str | None,
    case_id: int | None,
) -> None:
    """One webhook delivery applied to an incident (PagerDuty, Alertmanager)."""
    record_audit(
        ctx,
        incident_kind(before_status, incident.status),
        case_id=case_id,
        actor=update.actor or update.source,
        data={
            "source": update.source,
            "external_id": update.external_id,
            "event": update.kind,
            "status_before": before_status,
            "status": incident.status,
            "title": update.title,
            "occurred_at": update.occurred_at.isoformat(),
        },
        event_key=f"incident_event:{event_id}",
    )


def audit_runbook(ctx: JobContext, kind: str, *, case_id: int | None, runbook: Runbook, actor: str) -> None:
    """A runbook drafted from a case, or a review of that draft (runbook_approved / runbook_rejected)."""
    record_audit(
        ctx,
        kind,
        case_id=case_id,
        actor=actor,
        data={"runbook": runbook.ref, "title": runbook.title, "status": runbook.status.value},
        event_key=f"{kind}:{runbook.id}",
    )
