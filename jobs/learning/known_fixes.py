"""Known fixes: propose proven fixes for review, record the decision, and answer new cases with them first."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.blocks.known_fixes import KnownFixCard, build_known_fix_card_blocks, known_fix_card_text
from engine.learning.figures import signature_label
from engine.learning.memory import SeenBefore
from engine.learning.promotion import FixTrial, PromotionEvidence, known_fix_diagnosis, promotion_candidates
from engine.models import Diagnosis
from engine.runbooks.reviewers import is_reviewer
from jobs.audit.runtime import record_audit
from jobs.cases.thread_messages import post_case_message_once
from jobs.learning.home import refresh_homes, reviewer_ids
from jobs.learning.memory import recall_past_cases
from jobs.learning.runtime import LearningRuntime
from jobs.runbooks.reviews import reviewer_group_members
from jobs.runtime import JobContext, current_context
from storage.known_fixes import NewKnownFix
from storage.learning_models import KnownFixRow
from storage.models import Case

log = logging.getLogger(__name__)

# decision → (status it must be in, status it moves to)
DECISIONS = {
    "approve": ("proposed", "approved"),
    "reject": ("proposed", "rejected"),
    "disable": ("approved", "disabled"),
}


def _learning(ctx: JobContext) -> LearningRuntime:
    if ctx.learning is None:
        raise RuntimeError("no learning runtime in the JobContext: start jobs through `faultmaven worker`")
    return ctx.learning


def card_for(row: KnownFixRow) -> KnownFixCard:
    """The card view of a stored known fix."""
    evidence = json.loads(row.evidence_json or "{}")
    return KnownFixCard(
        fix_id=row.id,
        problem=signature_label(row.signature),
        fix_text=row.fix_text,
        cases=list(evidence.get("cases", [])),
        successes=row.successes,
        trials=row.trials,
        low=float(evidence.get("low", 0.0)),
        high=float(evidence.get("high", 1.0)),
        median_ttr_s=evidence.get("median_ttr_s"),
        status=row.status,
        reviewer=row.reviewer,
        name=row.name,
        notes=row.notes,
        reason=row.reason,
    )


def _fix_text(evidence: PromotionEvidence, stated_fixes: dict[str, str]) -> str:
    """The runbook or action that worked, with the most recent words people used for the fix."""
    kind, _, ident = evidence.fix_key.partition(":")
    said = stated_fixes.get(evidence.fix_key, "")
    if kind == "runbook" and ident.isdigit():
        return f"Follow RB-{int(ident):04d}" + (f": {said}" if said else "")
    return said or evidence.fix_key


def consider_promotion(ctx: JobContext, case: Case, signature: str) -> list[int]:
    """Propose (and post for review, in this case's thread) every fix of the signature that proved itself."""
    learning = _learning(ctx)
    history = learning.known_fixes.trials(signature)
    trials = [
        FixTrial(
            case_ref=f"FM-{case_id}",
            fix_key=o.fix_key,
            success=o.success,
            failed_fix_keys=o.failed_fix_keys.split(),
            time_to_resolution_s=o.time_to_resolution_s,
        )
        for case_id, o in history
    ]
    stated = {o.fix_key: o.stated_fix for _case_id, o in history if o.fix_key}
    proposed = []
    for evidence in promotion_candidates(
        trials, learning.promotion_min_cases, learning.promotion_min_success
    ):
        row = learning.known_fixes.find(signature, evidence.fix_key) or learning.known_fixes.propose(
            NewKnownFix(
                signature=signature,
                fix_key=evidence.fix_key,
                fix_text=_fix_text(evidence, stated),
                successes=evidence.successes,
                trials=evidence.trials,
                evidence_json=evidence.model_dump_json(include={"cases", "low", "high", "median_ttr_s"}),
            )
        )
        if row is None or row.card_ts is not None or row.status != "proposed" or case.root_ts is None:
            continue
        if not learning.known_fixes.claim_card(row.id):
            continue  # another job (another worker) is posting it
        card = card_for(row)
        # Found by its metadata if a killed run posted it already.
        card_ts = post_case_message_once(
            ctx.slack,
            case.channel_id,
            case.id,
            f"known_fix:{row.id}",
            thread_ts=case.root_ts,
            text=known_fix_card_text(card),
            blocks=build_known_fix_card_blocks(card),
        )
        learning.known_fixes.set_card(row.id, case.channel_id, card_ts)
        record_audit(
            ctx,
            "known_fix_proposed",
            case_id=case.id,
            actor="faultmaven",
            data={"known_fix": card.ref, "signature": signature, "fix": row.fix_key, "evidence": card.cases},
            event_key=f"known_fix_proposed:{row.id}",
        )
        proposed.append(row.id)
    if proposed:
        refresh_homes(ctx, reviewer_ids(ctx))
    return proposed


def known_fix_answer(
    ctx: JobContext, case: Case, matches: list[SeenBefore] | None = None
) -> Diagnosis | None:
    """An approved known fix for the closest past case's problem: the answer, with no engine call."""
    learning = ctx.learning
    if learning is None:
        return None
    for match in recall_past_cases(ctx, case) if matches is None else matches:
        fix = learning.known_fixes.approved_for(match.case.signature)
        if fix is None:
            continue
        learning.known_fixes.record_use(case.id, fix.id)
        record_audit(
            ctx,
            "known_fix_matched",
            case_id=case.id,
            actor="faultmaven",
            data={
                "known_fix": f"KF-{fix.id}",
                "past_case": match.case.ref,
                "similarity": round(match.similarity, 3),
            },
            event_key=f"known_fix_matched:{case.id}",
        )
        category = fix.signature.split("|")[0]
        return known_fix_diagnosis(
            category, fix.fix_text, fix.name or fix.fix_text, fix.successes, fix.trials
        )
    return None


def decide_known_fix(
    fix_id: int, user_id: str, decision: str, name: str, text: str, channel_id: str
) -> dict[str, Any]:
    """Approve (with a name and notes), reject (with a reason) or disable a known fix; audited."""
    ctx = current_context()
    learning = _learning(ctx)
    row = learning.known_fixes.get(int(fix_id))
    if row is None or decision not in DECISIONS:
        return {"status": "missing", "fix_id": fix_id}

    def refuse(message: str, status: str) -> dict[str, Any]:
        ctx.slack.chat_postEphemeral(channel=channel_id or row.channel_id or "", user=user_id, text=message)
        return {"status": status, "fix_id": row.id}

    members = reviewer_group_members(ctx) if ctx.runbook_reviewers else {}
    if not is_reviewer(user_id, ctx.runbook_reviewers, members):
        return refuse(
            f"Only the runbook reviewers may {decision} known fixes like KF-{row.id}.", "not a reviewer"
        )
    expected, status = DECISIONS[decision]
    texts = (
        {"name": name, "notes": text}
        if decision == "approve"
        else {"reason": text}
        if decision == "reject"
        else {}
    )
    if not learning.known_fixes.decide(row.id, expected, status, user_id, **texts):
        return refuse(f"KF-{row.id} is already {row.status}; nothing changed.", "already decided")
    decided = learning.known_fixes.get(row.id) or row
    if decided.channel_id and decided.card_ts:
        card = card_for(decided)
        ctx.slack.chat_update(
            channel=decided.channel_id,
            ts=decided.card_ts,
            text=known_fix_card_text(card),
            blocks=build_known_fix_card_blocks(card),
        )
    record_audit(
        ctx,
        f"known_fix_{status}",
        case_id=None,
        actor=user_id,
        data={"known_fix": f"KF-{row.id}", "signature": row.signature, "fix": row.fix_key, **texts},
        event_key=f"known_fix_{status}:{row.id}",
    )
    refresh_homes(ctx, reviewer_ids(ctx))
    log.info("known fix decided", extra={"known_fix": row.id, "status": status})
    return {"status": status, "fix_id": row.id}
