"""Runbooks from resolved cases: offer one, draft it from the case, and record the review."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.runbook_drafts import (
    OFFER_TEXT,
    build_offer_answered_blocks,
    build_runbook_draft_blocks,
    build_runbook_offer_blocks,
    draft_card_text,
)
from engine.models import Diagnosis
from engine.runbooks.drafting import ResolvedCase, draft_runbook_from_case
from engine.runbooks.models import RunbookStatus
from jobs.incidents import incident_runtime
from jobs.runbook_library import RunbookLibrary, fields_from_draft
from jobs.runtime import JobContext, current_context
from storage.models import Case

log = logging.getLogger(__name__)

DECISIONS = {"approve": RunbookStatus.ACTIVE, "reject": RunbookStatus.ARCHIVED}


def _library(ctx: JobContext) -> RunbookLibrary:
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    return ctx.runbooks


def offer_runbook(ctx: JobContext, case: Case, resolution_id: int) -> str | None:
    """Ask once per case whether to draft a runbook from it; returns the offer's message ts."""
    if ctx.runbooks is None or case.root_ts is None:
        return None
    repo = ctx.runbooks.repo
    offer = repo.ensure_offer(case.id, resolution_id, case.channel_id, case.root_ts)
    if offer.offer_ts is not None:
        return offer.offer_ts
    resp = ctx.slack.chat_postMessage(
        channel=case.channel_id,
        thread_ts=case.root_ts,
        text=OFFER_TEXT,
        blocks=build_runbook_offer_blocks(case.id),
    )
    repo.update_offer(offer.id, offer_ts=str(resp["ts"]))
    return str(resp["ts"])


def decline_runbook_offer(case_id: int, user_id: str) -> dict[str, Any]:
    """'No thanks': the offer loses its buttons (unless a draft already exists)."""
    ctx = current_context()
    repo = _library(ctx).repo
    offer = repo.get_offer(int(case_id))
    if offer is None or offer.offer_ts is None:
        return {"status": "missing", "case_id": case_id}
    if offer.runbook_id is not None or offer.declined_by is not None:
        return {"status": "already answered", "case_id": case_id}
    repo.update_offer(offer.id, declined_by=user_id)
    ctx.slack.chat_update(
        channel=offer.channel_id,
        ts=offer.offer_ts,
        text="No runbook for this case.",
        blocks=build_offer_answered_blocks(f"👍 No runbook for this case (<@{user_id}>)."),
    )
    return {"status": "declined", "case_id": case_id}


def _resolved_case(case: Case, resolution_summary: str, resolved_by: str) -> ResolvedCase:
    diagnosis = Diagnosis.model_validate_json(case.diagnosis_json) if case.diagnosis_json else None
    return ResolvedCase(
        case_ref=case.ref,
        title=case.title,
        description=case.description,
        service=case.service,
        severity=case.severity,
        resolution=resolution_summary,
        resolved_by=resolved_by,
        diagnosis=diagnosis,
    )


def create_runbook_draft(case_id: int, user_id: str) -> dict[str, Any]:
    """Draft a runbook from the case (pending review, authored by the clicker) and post it in the thread."""
    ctx, rt = incident_runtime()
    library = _library(ctx)
    offer = library.repo.get_offer(int(case_id))
    case = ctx.cases.get(int(case_id))
    resolution = rt.repo.get_resolution(offer.resolution_id) if offer else None
    if offer is None or case is None or resolution is None:
        return {"status": "missing", "case_id": case_id}
    if offer.runbook_id is None:
        draft = draft_runbook_from_case(
            _resolved_case(case, resolution.summary, resolution.resolved_by), user_id
        )
        row, _ = library.repo.upsert_by_path(fields_from_draft(draft, case_ref=case.ref))
        library.repo.update_offer(offer.id, runbook_id=row.id)
        offer.runbook_id = row.id
    runbook = library.get(offer.runbook_id)
    if runbook is None:
        return {"status": "missing", "case_id": case_id}
    if offer.card_ts is None:
        resp = ctx.slack.chat_postMessage(
            channel=offer.channel_id,
            thread_ts=offer.thread_ts,
            text=draft_card_text(runbook),
            blocks=build_runbook_draft_blocks(runbook),
        )
        library.repo.update_offer(offer.id, card_ts=str(resp["ts"]))
        if offer.offer_ts:
            ctx.slack.chat_update(
                channel=offer.channel_id,
                ts=offer.offer_ts,
                text=f"Drafting {runbook.ref}",
                blocks=build_offer_answered_blocks(
                    f"📝 <@{user_id}> drafted {runbook.ref} from this case; it needs a review."
                ),
            )
    log.info("runbook drafted from case", extra={"case": case.ref, "runbook": runbook.ref})
    return {"status": "drafted", "case": case.ref, "runbook": runbook.ref}


def review_runbook_draft(runbook_id: int, user_id: str, decision: str, channel_id: str) -> dict[str, Any]:
    """Approve (→ active, indexed) or reject (→ archived) a draft; authors may not approve their own."""
    ctx = current_context()
    library = _library(ctx)
    runbook = library.get(int(runbook_id))
    offer = library.repo.offer_for_runbook(int(runbook_id))
    if runbook is None or decision not in DECISIONS:
        return {"status": "missing", "runbook_id": runbook_id}
    thread_ts = offer.thread_ts if offer else None

    def refuse(text: str, status: str) -> dict[str, Any]:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text, thread_ts=thread_ts)
        return {"status": status, "runbook": runbook.ref}

    if runbook.status is not RunbookStatus.PENDING_REVIEW:
        return refuse(
            f"{runbook.ref} was already reviewed by <@{runbook.reviewer}> "
            f"({runbook.status.value}). Thanks anyway!",
            "already decided",
        )
    if decision == "approve" and runbook.author == user_id:
        return refuse(
            f"You drafted {runbook.ref}, so someone else needs to approve it. Ask a teammate to review.",
            "own draft",
        )
    status = DECISIONS[decision]
    if not library.repo.decide(runbook.id, RunbookStatus.PENDING_REVIEW.value, status.value, user_id):
        return refuse(f"{runbook.ref} was just reviewed by someone else. Thanks anyway!", "already decided")
    library.index_ids([runbook.id])
    decided = library.get(runbook.id) or runbook
    if offer is not None and offer.card_ts is not None:
        ctx.slack.chat_update(
            channel=offer.channel_id,
            ts=offer.card_ts,
            text=draft_card_text(decided),
            blocks=build_runbook_draft_blocks(decided),
        )
    log.info("runbook draft reviewed", extra={"runbook": runbook.ref, "status": status.value})
    return {"status": status.value, "runbook": runbook.ref}
