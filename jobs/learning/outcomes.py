"""Record how a resolved case was resolved, and re-derive it when late evidence (votes, checks) arrives."""

from __future__ import annotations

import logging
from datetime import datetime

from engine.learning.figures import ProblemSignature
from engine.learning.outcomes import (
    ActionResult,
    ResolutionFacts,
    ResolutionLevel,
    RunbookVerdict,
    infer_outcome,
    stated_outcome,
)
from engine.models import CaseStatus, Diagnosis
from jobs.learning.known_fixes import consider_promotion
from jobs.learning.runbook_revisions import queue_revisions
from jobs.learning.runtime import LearningRuntime
from jobs.runtime import JobContext
from storage.learning_models import CaseOutcomeRow
from storage.models import Case, as_utc
from storage.outcomes import OutcomeFields

log = logging.getLogger(__name__)


def _diagnosis(case: Case) -> Diagnosis | None:
    return Diagnosis.model_validate_json(case.diagnosis_json) if case.diagnosis_json else None


def case_signature(case: Case, top_runbook_id: int | None) -> ProblemSignature:
    """The problem signature of a case from its latest diagnosis and its best suggested runbook."""
    diagnosis = _diagnosis(case)
    category = diagnosis.category.value if diagnosis else "unknown"
    top_cause = diagnosis.hypotheses[0].cause if diagnosis and diagnosis.hypotheses else None
    return ProblemSignature.of(category, top_runbook_id, top_cause, case.service)


def resolution_facts(
    learning: LearningRuntime, case: Case, stated_fix: str, resolved_at: datetime
) -> ResolutionFacts:
    """Gather what happened on the case: answers, runbook votes, actions and their checks."""
    diagnosis = _diagnosis(case)
    recommended: list[str] = []
    by_title: dict[str, str] = {}
    if diagnosis is not None:
        recommended = [h.cause for h in diagnosis.hypotheses] + list(diagnosis.next_steps)
        for action in diagnosis.recommended_actions:
            recommended += [action.title, action.command]
            by_title[action.title.strip().lower()] = action.key
    first_answer = next((m.created_at for m in case.messages if m.from_bot), None)
    runbooks = [
        RunbookVerdict(
            runbook_id=r.runbook_id,
            active=r.status == "active",
            worked=r.worked,
            failed=r.failed,
            suggested_at=r.suggested_at,
        )
        for r in learning.facts.runbooks(case.id)
    ]
    actions = [
        ActionResult(
            key=by_title.get(a.action.strip().lower(), f"proposal-{a.proposal_id}"),
            title=a.action,
            ok=a.ok,
            verified=a.verified,
            recommended=a.action.strip().lower() in by_title,
            executed_at=a.executed_at,
        )
        for a in learning.facts.actions(case.id)
    ]
    return ResolutionFacts(
        opened_at=as_utc(case.created_at),
        resolved_at=resolved_at,
        stated_fix=stated_fix,
        recommended=[r for r in recommended if r],
        first_answer_at=as_utc(first_answer),
        runbooks=runbooks,
        actions=actions,
    )


def record_outcome(
    ctx: JobContext, case: Case, resolution_id: int | None, stated_fix: str, resolved_at: datetime
) -> CaseOutcomeRow | None:
    """Infer and store the case's outcome with its signature's figures, in the resolution's transaction."""
    learning = ctx.learning
    if learning is None:
        return None
    facts = resolution_facts(learning, case, stated_fix, resolved_at)
    known = learning.known_fixes.used_on(case.id)
    if known is not None:
        facts.known_fix_id = known.id
    outcome = infer_outcome(facts)
    previous = learning.outcomes.for_case(case.id)
    if previous is not None and previous.stated_level:
        outcome = stated_outcome(outcome, ResolutionLevel(previous.stated_level))
    top_runbook = next((r.runbook_id for r in facts.runbooks), None)
    # A case answered with a known fix belongs to that fix's problem, whatever was suggested after.
    signature = (
        ProblemSignature.from_key(known.signature) if known is not None else case_signature(case, top_runbook)
    )
    row = learning.outcomes.record(
        OutcomeFields(
            case_id=case.id,
            resolution_id=resolution_id,
            channel_id=case.channel_id,
            signature=signature.key,
            category=signature.category,
            pattern=signature.pattern,
            service=signature.service,
            level=outcome.level.value,
            fix_key=outcome.fix_key,
            success=outcome.success,
            failed_fix_keys=" ".join(outcome.failed_fix_keys),
            inferred=outcome.inferred,
            stated_fix=stated_fix,
            opened_at=facts.opened_at,
            resolved_at=resolved_at,
            time_to_resolution_s=outcome.time_to_resolution_s,
            time_to_first_useful_s=outcome.time_to_first_useful_s,
        ),
        resolved_status=CaseStatus.RESOLVED.value,
    )
    log.info("case outcome", extra={"case": case.ref, "level": row.level, "signature": row.signature})
    consider_promotion(ctx, case, row.signature)
    queue_revisions(ctx, case, row)  # a runbook voted ❌ while another fix worked may get a v2
    return row


def refresh_outcome(ctx: JobContext, case_id: int) -> CaseOutcomeRow | None:
    """Re-derive a resolved case's outcome after a vote or a verification; nothing for an open case."""
    if ctx.learning is None:
        return None
    existing = ctx.learning.outcomes.for_case(case_id)
    case = ctx.cases.get(case_id)
    if existing is None or case is None or case.status != CaseStatus.RESOLVED.value:
        return None  # a reopened case gets a new outcome when it is resolved again
    return record_outcome(
        ctx, case, existing.resolution_id, existing.stated_fix, as_utc(existing.resolved_at)
    )
