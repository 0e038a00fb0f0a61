"""Runbooks from resolved cases: offer one, draft it from the case (Claude or the offline template),
and record the review under the approval policy."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.runbook_drafts import (
    approvers_label,
    build_offer_answered_blocks,
    build_runbook_draft_blocks,
    draft_card_text,
    is_pending,
)
from engine.models import Diagnosis
from engine.runbooks.drafting import ResolvedCase
from engine.runbooks.models import RunbookStatus
from engine.runbooks.reviewers import may_approve, may_reject, writers
from engine.runbooks.writing import draft_runbook
from jobs.audit.events import audit_runbook
from jobs.cases.llm_usage import record_llm_calls
from jobs.incidents.events import incident_runtime
from jobs.learning.home import refresh_homes, reviewer_ids
from jobs.learning.runbook_revisions import settle_revision
from jobs.runbooks.library import RunbookLibrary, fields_from_draft
from jobs.runbooks.offers import post_runbook_offer
from jobs.runbooks.reviews import reviewer_group_members
from jobs.runtime import JobContext, current_context
from jobs.submission import claim_outbox
from storage.models import Case
from storage.runbook_models import RunbookOfferRow

log = logging.getLogger(__name__)

DECISIONS = {"approve": RunbookStatus.ACTIVE, "reject": RunbookStatus.ARCHIVED}


def _library(ctx: JobContext) -> RunbookLibrary:
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    return ctx.runbooks


def offer_runbook(ctx: JobContext, case: Case, resolution_id: int) -> str | None:
    """Ask once per case whether to draft a runbook from it; returns the offer's message ts."""
    return post_runbook_offer(ctx, case, resolution_id)


def decline_runbook_offer(case_id: int, user_id: str, outbox_key: str = "") -> dict[str, Any]:
    """'No thanks': the offer loses its buttons (unless a draft already exists)."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
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
        messages=[m.text for m in case.messages if not m.from_bot],
    )


def create_runbook_draft(case_id: int, user_id: str, outbox_key: str = "") -> dict[str, Any]:
    """Draft a runbook from the case (pending review, authored by the clicker) and post it in the thread."""
    ctx, rt = incident_runtime()
    claim_outbox(ctx.cases, outbox_key)
    library = _library(ctx)
    offer = library.repo.get_offer(int(case_id))
    case = ctx.cases.get(int(case_id))
    resolution = rt.repo.get_resolution(offer.resolution_id) if offer and offer.resolution_id else None
    if offer is None or case is None or (resolution is None and offer.runbook_id is None):
        return {"status": "missing", "case_id": case_id}
    summary, resolved_by = (resolution.summary, resolution.resolved_by) if resolution else ("", user_id)
    return _draft_and_post(ctx, library, offer, case, summary, resolved_by, user_id)


def create_runbook_draft_with_fix(
    case_id: int, user_id: str, root_cause: str, fix: str, outbox_key: str = ""
) -> dict[str, Any]:
    """Draft from a case resolved at its source, with the root cause and fix typed in the modal."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    library = _library(ctx)
    offer = library.repo.get_offer(int(case_id))
    case = ctx.cases.get(int(case_id))
    if offer is None or case is None:
        return {"status": "missing", "case_id": case_id}
    summary = f"root cause: {root_cause.strip()}; fix: {fix.strip()}"
    return _draft_and_post(ctx, library, offer, case, summary, user_id, user_id)


def _draft_and_post(
    ctx: JobContext,
    library: RunbookLibrary,
    offer: RunbookOfferRow,
    case: Case,
    summary: str,
    resolved_by: str,
    user_id: str,
) -> dict[str, Any]:
    """Draft once per case (Claude when the worker has it, else the template), then post the card once."""
    note = None
    if offer.runbook_id is None:
        outcome = draft_runbook(_resolved_case(case, summary, resolved_by), user_id, ctx.runbook_writer)
        record_llm_calls(ctx, case.id, f"create_runbook_draft:{case.id}", outcome.calls)
        row, _ = library.repo.upsert_by_path(fields_from_draft(outcome.draft, case_ref=case.ref))
        library.repo.update_offer(offer.id, runbook_id=row.id)
        offer.runbook_id, note = row.id, outcome.note
    runbook = library.get(offer.runbook_id)
    if runbook is None:
        return {"status": "missing", "case_id": case.id}
    if offer.card_ts is None:
        resp = ctx.slack.chat_postMessage(
            channel=offer.channel_id,
            thread_ts=offer.thread_ts,
            text=draft_card_text(runbook),
            blocks=build_runbook_draft_blocks(runbook, ctx.runbook_reviewers, note),
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
    audit_runbook(ctx, "runbook_drafted", case_id=case.id, runbook=runbook, actor=user_id)
    refresh_homes(ctx, reviewer_ids(ctx))  # the draft waits on the reviewers' Home tabs
    log.info("runbook drafted from case", extra={"case": case.ref, "runbook": runbook.ref})
    return {"status": "drafted", "case": case.ref, "runbook": runbook.ref}


def reject_runbook_revision(
    runbook_id: int, user_id: str, channel_id: str, reason: str, outbox_key: str = ""
) -> dict[str, Any]:
    """Reject a next version drafted from a failure, with the reviewer's reason (its parent stays)."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    return _review(ctx, int(runbook_id), user_id, "reject", channel_id, True, reason)


def review_runbook_draft(
    runbook_id: int, user_id: str, decision: str, channel_id: str, notify: bool = False, outbox_key: str = ""
) -> dict[str, Any]:
    """Approve (→ active, indexed) or reject (→ archived) a draft under the approval policy.

    Nobody approves their own words (author or last editor); with FAULTMAVEN_RUNBOOK_REVIEWERS set,
    only those users and user-group members may approve or reject (the author may still withdraw).
    `notify`: the click came from the ephemeral review queue, so confirm the decision to the reviewer.
    Approving a next version drafted from a failure retires its parent (jobs/learning/runbook_revisions.py).
    """
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    return _review(ctx, int(runbook_id), user_id, decision, channel_id, bool(notify), "")


def _review(
    ctx: JobContext, runbook_id: int, user_id: str, decision: str, channel_id: str, notify: bool, reason: str
) -> dict[str, Any]:
    library = _library(ctx)
    runbook = library.get(int(runbook_id))
    offer = library.repo.offer_for_runbook(int(runbook_id))
    if runbook is None or decision not in DECISIONS:
        return {"status": "missing", "runbook_id": runbook_id}
    # An ephemeral lands in the card's thread only when the click came from the card's channel.
    thread_ts = offer.thread_ts if offer and offer.channel_id == channel_id else None

    def tell(text: str) -> None:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text, thread_ts=thread_ts)

    def refuse(text: str, status: str) -> dict[str, Any]:
        tell(text)
        return {"status": status, "runbook": runbook.ref}

    if not is_pending(runbook):
        by = f" by <@{runbook.reviewer}>" if runbook.reviewer else ""
        return refuse(
            f"{runbook.ref} was already reviewed{by} ({runbook.status.value}). Thanks anyway!",
            "already decided",
        )
    who = approvers_label(runbook, ctx.runbook_reviewers)
    if decision == "approve" and user_id in writers(runbook):
        wrote = "drafted" if user_id == runbook.author else "edited"
        return refuse(
            f"You {wrote} {runbook.ref}, so someone else needs to approve it. May approve: {who}.",
            "own draft",
        )
    members = reviewer_group_members(ctx) if ctx.runbook_reviewers else {}
    allowed = may_approve if decision == "approve" else may_reject
    if not allowed(user_id, runbook, ctx.runbook_reviewers, members):
        return refuse(
            f"Thanks for looking at {runbook.ref}! Only designated reviewers may {decision} runbooks "
            f"here. May approve: {who}.",
            "not a reviewer",
        )
    status = DECISIONS[decision]
    if not library.repo.decide(runbook.id, runbook.status.value, status.value, user_id):
        return refuse(f"{runbook.ref} was just reviewed by someone else. Thanks anyway!", "already decided")
    library.index_ids([runbook.id])
    decided = library.get(runbook.id) or runbook
    if offer is not None and offer.card_ts is not None:
        ctx.slack.chat_update(
            channel=offer.channel_id,
            ts=offer.card_ts,
            text=draft_card_text(decided),
            blocks=build_runbook_draft_blocks(decided, ctx.runbook_reviewers),
        )
    if not settle_revision(ctx, decided, user_id, reason):  # a next version refreshes Homes itself
        refresh_homes(ctx, reviewer_ids(ctx))  # the draft leaves the reviewers' Home tabs
    if notify:
        verb = "approved — it is now searchable" if decision == "approve" else "rejected and archived"
        tell(f"{'✅' if decision == 'approve' else '🗑️'} {runbook.ref} {verb}.")
    kind = "runbook_approved" if decision == "approve" else "runbook_rejected"
    audit_runbook(ctx, kind, case_id=offer.case_id if offer else None, runbook=decided, actor=user_id)
    log.info("runbook draft reviewed", extra={"runbook": runbook.ref, "status": status.value})
    return {"status": status.value, "runbook": runbook.ref}
