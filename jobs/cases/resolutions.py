"""Resolving a case from Slack, and telling PagerDuty about it (retried until it is accepted)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.blocks.case import build_case_root_blocks, case_root_text
from bot.blocks.mrkdwn import escape
from engine.models import CaseStatus, Diagnosis
from jobs.actions.withdrawals import withdraw_pending_requests
from jobs.audit.events import audit_resolution
from jobs.cases.diagnosis import case_card
from jobs.cases.thread_messages import post_case_message_once
from jobs.incidents.events import incident_runtime, render_root
from jobs.incidents.pagerduty import PagerDutyError
from jobs.incidents.payloads import PAGERDUTY
from jobs.learning.home import refresh_homes
from jobs.learning.outcome_questions import ask_how_it_was_resolved
from jobs.learning.outcomes import record_outcome
from jobs.runbooks.drafts import offer_runbook
from jobs.runbooks.feedback import ask_for_runbook_feedback
from jobs.runtime import JobContext
from jobs.workspaces.team import team_job
from storage.models import Case, as_utc

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)


def resolve_case(resolution_id: int) -> dict[str, Any]:
    """Mark the case resolved, update its root in place, say so once in the thread, then sync the source."""
    ctx, rt = incident_runtime()
    resolution = rt.repo.get_resolution(resolution_id)
    case = ctx.cases.get(resolution.case_id) if resolution else None
    if resolution is None or case is None:
        return {"status": "missing", "resolution_id": resolution_id}
    incident = rt.repo.for_case(case.id)
    if incident is not None and incident.source == PAGERDUTY:
        # Written before any Slack call: once this row exists the sync cannot be lost.
        follow_up = team_job(
            f"sync_pagerduty_resolution:{resolution_id}", "sync_pagerduty_resolution", [resolution_id, 0]
        )
        rt.repo.ensure_job(follow_up)
        rt.queue.enqueue(follow_up)
    record_outcome(ctx, case, resolution_id, resolution.summary, as_utc(resolution.created_at))
    ctx.cases.update_case(case.id, status=CaseStatus.RESOLVED.value)
    audit_resolution(ctx, case, resolution)
    if incident is not None:
        render_root(ctx, rt, incident.id)
    elif case.root_ts:
        _update_plain_root(ctx, case, case.root_ts)
    if resolution.posted_ts is None and case.root_ts:
        text = f"✅ Resolved by <@{resolution.resolved_by}>: {escape(resolution.summary)}"
        posted = post_case_message_once(
            ctx.slack,
            case.channel_id,
            case.id,
            f"resolved:{resolution_id}",
            thread_ts=case.root_ts,
            text=text,
        )
        rt.repo.update_resolution(resolution_id, posted_ts=posted)
    withdraw_pending_requests(ctx, case)
    ask_how_it_was_resolved(ctx, case)  # only when nothing in the case can tell
    ask_for_runbook_feedback(ctx, case.id)  # before the offer: first "did they help?", then "write one?"
    offer_runbook(ctx, case, resolution_id)
    refresh_homes(ctx, [case.reporter_id])  # the case leaves the reporter's Home tab
    ctx.cases.claim_job(f"resolve_case:{resolution_id}")
    log.info("case resolved from slack", extra={"case": case.ref})
    return {"status": "resolved", "case": case.ref}


def _update_plain_root(ctx: JobContext, case: Case, root_ts: str) -> None:
    card = case_card(case).model_copy(update={"status": CaseStatus.RESOLVED.value})
    ctx.slack.chat_update(
        channel=case.channel_id,
        ts=root_ts,
        text=case_root_text(card),
        blocks=build_case_root_blocks(card),
    )


def _say_sync_problem(ctx: JobContext, case: Case, text: str) -> None:
    """A PagerDuty sync problem belongs in the thread, where people will look, not only in the log."""
    if case.root_ts:
        ctx.slack.chat_postMessage(channel=case.channel_id, thread_ts=case.root_ts, text=f"⚠️ {text}")


def pagerduty_note(case: Case, resolved_by: str, summary: str) -> str:
    """The note left on the PagerDuty incident: who resolved it, root cause and fix, the diagnosis."""
    lines = [
        f"Resolved in Slack by {resolved_by} (FaultMaven case {case.ref}).",
        f"Root cause / fix: {summary}",
    ]
    if case.diagnosis_json:
        lines.append("FaultMaven diagnosis: " + Diagnosis.model_validate_json(case.diagnosis_json).summary)
    return "\n".join(lines)


def sync_pagerduty_resolution(resolution_id: int, attempt: int = 0) -> dict[str, Any]:
    """Add the resolution note to the PagerDuty incident and resolve it; reschedule itself on failure."""
    ctx, rt = incident_runtime()
    key = f"sync_pagerduty_resolution:{resolution_id}" + (f":{attempt}" if attempt else "")
    resolution = rt.repo.get_resolution(resolution_id)
    case = ctx.cases.get(resolution.case_id) if resolution else None
    incident = rt.repo.for_case(case.id) if case else None
    if resolution is None or case is None or incident is None:
        return {"status": "missing", "resolution_id": resolution_id}
    if rt.pagerduty is None:
        log.warning("PAGERDUTY_API_TOKEN is not set; resolution not synced", extra={"case": case.ref})
        _say_sync_problem(
            ctx,
            case,
            "PagerDuty was not told: no PagerDuty API token is configured (PAGERDUTY_API_TOKEN), so the "
            "incident stays open there. Resolve it in PagerDuty by hand.",
        )
        ctx.cases.claim_job(key)
        return {"status": "not configured", "case": case.ref}
    try:
        if resolution.note_synced_at is None:
            note = pagerduty_note(case, resolution.resolved_by, resolution.summary)
            rt.pagerduty.add_note(incident.external_id, note)
            rt.repo.update_resolution(resolution_id, note_synced_at=datetime.now(UTC))
        if resolution.resolve_synced_at is None and incident.status != "resolved":
            rt.pagerduty.resolve(incident.external_id, resolution.summary)
            rt.repo.update_resolution(resolution_id, resolve_synced_at=datetime.now(UTC))
    except PagerDutyError as error:
        if attempt == 0:  # once, not at every retry
            _say_sync_problem(
                ctx, case, f"Could not update the PagerDuty incident ({error}); retrying in the background."
            )
        delay = min(timedelta(seconds=30 * 2**attempt), MAX_RETRY_DELAY)
        retry = team_job(
            f"sync_pagerduty_resolution:{resolution_id}:{attempt + 1}",
            "sync_pagerduty_resolution",
            [resolution_id, attempt + 1],
        )
        rt.repo.ensure_job(retry)
        rt.queue.enqueue_later(retry, datetime.now(UTC) + delay)
        ctx.cases.claim_job(key)
        log.warning("pagerduty sync failed; rescheduled", extra={"case": case.ref, "attempt": attempt + 1})
        return {"status": "rescheduled", "attempt": attempt + 1}
    ctx.cases.claim_job(key)
    return {"status": "synced", "case": case.ref, "incident": incident.external_id}
