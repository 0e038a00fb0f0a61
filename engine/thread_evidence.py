"""A log line pasted in the thread that points where the report did not gets a hypothesis of its own.

The ranking reads the whole case at once, so a report about OOMKilled pods outweighs one pasted
PostgreSQL error that follows it: the error would change nothing, and the person who pasted it would
see only 👀. Read alone, the newest message may match a known failure on machine-written evidence
(a log signal); then that failure joins the live possibilities, quoting the line it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.hypotheses import MAX_HYPOTHESES, keep_checks
from engine.models import CaseContext, Hypothesis
from engine.ranking import CategoryScore

# How much of a match must come from log signals and facts (exact, machine-written text) for one
# message to open a new line of inquiry; words alone ("slow", "errors") never do.
MIN_LOG_EVIDENCE = 1.0
# A lead from one message is stated modestly: its calibration is the report's, not this one's.
MAX_LEAD_CONFIDENCE = 0.3
MIN_LEAD_CONFIDENCE = 0.05


def newest_message_alone(case: CaseContext) -> CaseContext | None:
    """The case as if it were only its newest human message (None when nobody wrote one)."""
    human = [t for t in case.turns if not t.from_bot]
    if not human:
        return None
    return CaseContext(case_ref=case.case_ref, title="", description="", turns=[human[-1]])


def with_thread_lead(
    case: CaseContext,
    hypotheses: list[Hypothesis],
    named: list[str],
    rank: Callable[[CaseContext], tuple[list[CategoryScore], list[str]]],
) -> list[Hypothesis]:
    """`hypotheses`, plus the failure the newest message alone points to when none of them is it."""
    alone = newest_message_alone(case)
    if alone is None:
        return hypotheses
    ranked, _named = rank(alone)
    best = ranked[0].best if ranked else None
    if best is None or best.from_logs < MIN_LOG_EVIDENCE or not best.pattern.hypotheses:
        return hypotheses
    shown = {h.cause for h in hypotheses}
    if any(cause.cause in shown for cause in best.pattern.hypotheses):
        return hypotheses
    cause = best.pattern.hypotheses[0]
    checks = keep_checks(cause.checks, named, 3)
    if not checks or not best.observed:
        return hypotheses
    kept = hypotheses[: MAX_HYPOTHESES - 1]
    held = sum(h.confidence for h in kept)
    share = round(max(MIN_LEAD_CONFIDENCE, min(MAX_LEAD_CONFIDENCE, 1 - held)), 2)
    if held + share > 1:
        # The others make room, keeping their proportions: one answer never adds up past 100%.
        room = (1 - share) / held
        kept = [
            h.model_copy(update={"confidence": max(0.0, round(h.confidence * room - 0.005, 2))}) for h in kept
        ]
    lead = Hypothesis(
        cause=cause.cause,
        confidence=share,
        category=ranked[0].category,
        observed=best.observed,
        checks=checks,
        rules_out=keep_checks(cause.evidence_against, named, 2),
    )
    return [*kept, lead]
