"""Runbooks that improve: a runbook voted ❌ on a case resolved another way is classified (why it failed)
and, when a better runbook would have helped, gets a v2 drafted for review; approval retires v1."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from bot.blocks.runbook_revisions import build_revision_card_blocks, revision_card_text
from engine.learning.runbook_failures import NOT_FIXED, ExecutedStep, RunbookFailure, runbooks_behind
from engine.models import Diagnosis
from engine.runbooks.models import Runbook, RunbookStatus
from engine.runbooks.revision import revise_runbook
from jobs.audit.runtime import record_audit
from jobs.cases.llm_usage import record_llm_calls
from jobs.learning.home import refresh_homes, reviewer_ids
from jobs.learning.revision_cards import learning_parts as _parts
from jobs.learning.revision_cards import revision_card
from jobs.learning.runtime import LearningRuntime
from jobs.runbooks.library import fields_from_draft
from jobs.runtime import JobContext, current_context
from storage.learning_models import CaseOutcomeRow
from storage.models import Case
from storage.outbox import PendingJob
from storage.runbook_models import RunbookRevisionRow
from storage.runbook_revisions import NewRevision

log = logging.getLogger(__name__)

AWAITING_REVIEW = (RunbookStatus.DRAFT.value, RunbookStatus.PENDING_REVIEW.value)


def queue_revisions(ctx: JobContext, case: Case, outcome: CaseOutcomeRow) -> list[int]:
    """After a resolution (or a late ❌ or check), one job per suggested runbook that failed while another
    fix worked: voted down, or the source of an action that failed or failed verification."""
    if ctx.incidents is None or ctx.runbooks is None or not outcome.success:
        return []
    voted_down = [
        int(ident)
        for kind, _, ident in (key.partition(":") for key in outcome.failed_fix_keys.split())
        if kind == "runbook" and ident.isdigit()
    ]
    queued = []
    for runbook_id in dict.fromkeys([*voted_down, *_behind_failed_actions(ctx, case)]):
        ident = str(runbook_id)
        if outcome.fix_key == f"runbook:{ident}":
            continue
        job = PendingJob(
            f"revise_failed_runbook:{case.id}:{ident}", "revise_failed_runbook", [case.id, int(ident)]
        )
        ctx.incidents.repo.ensure_job(job)  # the outbox row: a Redis outage loses nothing
        ctx.incidents.queue.enqueue(job)
        queued.append(int(ident))
    return queued


def _behind_failed_actions(ctx: JobContext, case: Case) -> list[int]:
    """Suggested runbooks an action that failed (or failed verification) on the case was taken from."""
    learning, library = _parts(ctx)
    failed = [a.command for a in learning.facts.actions(case.id) if not a.ok or a.verified in NOT_FIXED]
    if not failed:
        return []
    suggested = [library.get(r.runbook_id) for r in learning.facts.runbooks(case.id)]
    return runbooks_behind(failed, {r.id: r.search_text() for r in suggested if r is not None})


def _diagnosis_text(case: Case) -> str:
    if not case.diagnosis_json:
        return ""
    diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
    parts = [h.cause for h in diagnosis.hypotheses] + list(diagnosis.next_steps)
    parts += [f"{a.title} {a.command}" for a in diagnosis.recommended_actions]
    return "\n".join(parts)


def failure_of(learning: LearningRuntime, case: Case, parent: Runbook, stated_fix: str) -> RunbookFailure:
    """What the case recorded about the failure: thread, votes, executions, diagnosis, the fix."""
    votes = next((r for r in learning.facts.runbooks(case.id) if r.runbook_id == parent.id), None)
    return RunbookFailure(
        case_ref=case.ref,
        runbook_ref=parent.ref,
        runbook_text=parent.search_text(),
        messages=[m.text for m in case.messages if not m.from_bot],
        stated_fix=stated_fix,
        worked_votes=votes.worked if votes else 0,
        failed_votes=votes.failed if votes else 0,
        executions=[
            ExecutedStep(title=a.action, command=a.command, ok=a.ok, verified=a.verified)
            for a in learning.facts.actions(case.id)
        ],
        diagnosis_text=_diagnosis_text(case),
    )


def revise_failed_runbook(case_id: int, runbook_id: int) -> dict[str, Any]:
    """Classify why the runbook failed on the case (once); for improvable kinds draft v2 and post its card."""
    ctx = current_context()
    learning, library = _parts(ctx)
    key = f"revise_failed_runbook:{case_id}:{runbook_id}"
    case, parent = ctx.cases.get(int(case_id)), library.get(int(runbook_id))
    outcome = learning.outcomes.for_case(int(case_id))
    if case is None or parent is None or outcome is None:
        ctx.cases.claim_job(key)
        return {"status": "missing", "case_id": case_id, "runbook_id": runbook_id}
    row, note = learning.revisions.for_case(case.id, parent.id), None
    if row is None:
        failure = failure_of(learning, case, parent, outcome.stated_fix)
        result = revise_runbook(parent, failure, ctx.bot_user_id, ctx.runbook_reviser)
        record_llm_calls(ctx, case.id, key, result.calls)
        draft, note = result.draft, result.note
        busy = learning.revisions.waiting_child(parent.id, AWAITING_REVIEW)
        if parent.status is not RunbookStatus.ACTIVE or busy is not None:
            draft = None  # one next version at a time, and only of a runbook still in use
        fields = replace(fields_from_draft(draft, case_ref=case.ref), parent_id=parent.id) if draft else None
        verdict = result.verdict
        row = learning.revisions.record(
            NewRevision(
                case_id=case.id,
                parent_id=parent.id,
                failure_kind=verdict.kind.value,
                reason=verdict.reason,
                evidence_json=json.dumps(verdict.evidence),
                engine=verdict.engine,
            ),
            fields,
            parent.version + 1,
        )
        record_audit(
            ctx,
            "runbook_failure_classified",
            case_id=case.id,
            actor=ctx.bot_user_id,
            data={
                "runbook": parent.ref,
                "failure": verdict.kind.value,
                "reason": verdict.reason,
                "engine": verdict.engine,
                "next_version": f"RB-{row.runbook_id:04d}" if row.runbook_id else None,
            },
            event_key=f"runbook_failure_classified:{row.id}",
        )
    posted = _post_card(ctx, row, case, note)
    ctx.cases.claim_job(key)
    log.info(
        "runbook failure classified",
        extra={"runbook": parent.ref, "case": case.ref, "kind": row.failure_kind},
    )
    return {
        "status": "revised" if row.runbook_id else "classified",
        "failure": row.failure_kind,
        "runbook": f"RB-{row.runbook_id:04d}" if row.runbook_id else None,
        "card": posted,
    }


def _post_card(ctx: JobContext, row: RunbookRevisionRow, case: Case, note: str | None) -> bool:
    """Post v2's card in the case thread once, audit it, and refresh the reviewers' Home tabs."""
    learning, _library = _parts(ctx)
    if row.runbook_id is None or row.card_ts is not None or case.root_ts is None:
        return False
    card = revision_card(ctx, row, note)
    if card is None:
        return False
    resp = ctx.slack.chat_postMessage(
        channel=case.channel_id,
        thread_ts=case.root_ts,
        text=revision_card_text(card),
        blocks=build_revision_card_blocks(card, ctx.runbook_reviewers),
    )
    learning.revisions.set_card(row.id, case.channel_id, str(resp["ts"]))
    record_audit(
        ctx,
        "runbook_revision_drafted",
        case_id=case.id,
        actor=ctx.bot_user_id,
        data={"runbook": card.runbook.ref, "parent": card.parent_ref, "version": card.runbook.version},
        event_key=f"runbook_revision_drafted:{row.id}",
    )
    refresh_homes(ctx, reviewer_ids(ctx))
    return True


def settle_revision(ctx: JobContext, decided: Runbook, actor: str, reason: str = "") -> bool:
    """After a review of a next version: approval retires the parent; rejection keeps the reason.

    Returns False when the runbook is not a next version drafted from a failure.
    """
    if ctx.learning is None or ctx.runbooks is None:
        return False
    learning, library = ctx.learning, ctx.runbooks
    row = learning.revisions.for_runbook(decided.id)
    if row is None:
        return False
    parent = library.get(row.parent_id)
    if (
        decided.status is RunbookStatus.ACTIVE
        and parent is not None
        and parent.status is RunbookStatus.ACTIVE
    ):
        library.repo.update(parent.id, status=RunbookStatus.RETIRED.value)
        library.index_ids([parent.id, decided.id])  # search returns v2, never v1
        record_audit(
            ctx,
            "runbook_retired",
            case_id=row.case_id,
            actor=actor,
            data={"runbook": parent.ref, "replaced_by": decided.ref, "version": decided.version},
            event_key=f"runbook_retired:{parent.id}",
        )
    elif decided.status is RunbookStatus.ARCHIVED:
        learning.revisions.set_rejection(row.id, reason)
        row.rejection_reason = reason
        record_audit(
            ctx,
            "runbook_revision_rejected",
            case_id=row.case_id,
            actor=actor,
            data={"runbook": decided.ref, "parent": f"RB-{row.parent_id:04d}", "reason": reason},
            event_key=f"runbook_revision_rejected:{row.id}",
        )
    _update_card(ctx, row)
    refresh_homes(ctx, reviewer_ids(ctx))
    return True


def _update_card(ctx: JobContext, row: RunbookRevisionRow) -> None:
    card = revision_card(ctx, row)
    if card is not None and row.channel_id and row.card_ts:
        ctx.slack.chat_update(
            channel=row.channel_id,
            ts=row.card_ts,
            text=revision_card_text(card),
            blocks=build_revision_card_blocks(card, ctx.runbook_reviewers),
        )


def update_revision_card(runbook_id: int) -> dict[str, Any]:
    """After an edit of a next version: its card shows the new diff (nothing for other runbooks)."""
    ctx = current_context()
    row = ctx.learning.revisions.for_runbook(int(runbook_id)) if ctx.learning is not None else None
    if row is None:
        return {"status": "not a next version", "runbook_id": runbook_id}
    _update_card(ctx, row)
    return {"status": "updated", "runbook_id": runbook_id}
