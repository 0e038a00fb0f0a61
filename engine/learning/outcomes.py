"""How a case was resolved (L1/L2/L3/escalated), inferred from what happened in it."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from engine.search.text import tokenize


class ResolutionLevel(StrEnum):
    L1 = "L1"  # a known fix (an active runbook or a promoted rule) resolved it
    L2 = "L2"  # FaultMaven's diagnosis or recommended action led to the fix
    L3 = "L3"  # people resolved it without FaultMaven's help
    ESCALATED = "escalated"


class RunbookVerdict(BaseModel):
    """Votes on one runbook suggested on the case."""

    runbook_id: int
    active: bool
    worked: int = 0
    failed: int = 0
    suggested_at: datetime | None = None

    @property
    def helped(self) -> bool:
        """More ✅ than ❌ (a tie does not count), as the runbook counters do."""
        return self.worked > self.failed


class ActionResult(BaseModel):
    """One action run on the case and what its verification said."""

    key: str
    title: str
    ok: bool
    # fixed | not_fixed | check_passed | check_failed | rolled_back | None (not verified)
    verified: str | None = None
    recommended: bool = False
    executed_at: datetime | None = None

    @property
    def fixed(self) -> bool:
        """Ran, and nothing says it did not work."""
        return self.ok and self.verified not in ("not_fixed", "check_failed", "rolled_back")


class ResolutionFacts(BaseModel):
    """Everything the inference reads about one resolved case."""

    opened_at: datetime
    resolved_at: datetime
    stated_fix: str
    recommended: list[str] = Field(default_factory=list)  # FaultMaven's hypotheses and actions
    first_answer_at: datetime | None = None
    runbooks: list[RunbookVerdict] = Field(default_factory=list)
    actions: list[ActionResult] = Field(default_factory=list)
    known_fix_id: int | None = None  # a promoted rule shown on the case


class InferredOutcome(BaseModel):
    level: ResolutionLevel
    # What "resolved the same way" compares: runbook:<id>, action:<key>, known_fix:<id> or "".
    fix_key: str = ""
    success: bool = True
    # Fixes tried here that did not work: they count against those fixes' success rates.
    failed_fix_keys: list[str] = Field(default_factory=list)
    inferred: bool = True  # False: nothing in the case said it; L3 is the assumption
    time_to_resolution_s: int = 0
    time_to_first_useful_s: int | None = None


_ESCALATED = re.compile(r"\bescalat\w*|\bhanded (?:it )?(?:over|off) to\b|\bpaged\b", re.IGNORECASE)
# Share of the stated fix's words found in FaultMaven's words before we credit the diagnosis.
FIX_OVERLAP = 0.5


def _overlap(stated_fix: str, recommended: list[str]) -> float:
    """Share of the stated fix's distinct words that FaultMaven had already said."""
    fix_words = set(tokenize(stated_fix))
    if not fix_words:
        return 0.0
    said = set(tokenize(" ".join(recommended)))
    return len(fix_words & said) / len(fix_words)


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, int((end - start).total_seconds()))


def failed_fixes(facts: ResolutionFacts) -> list[str]:
    """Runbooks voted down and actions whose verification said no."""
    runbooks = [f"runbook:{r.runbook_id}" for r in facts.runbooks if r.failed > r.worked]
    actions = [f"action:{a.key}" for a in facts.actions if not a.fixed]
    known = [f"known_fix:{facts.known_fix_id}"] if facts.known_fix_id is not None and runbooks else []
    return runbooks + actions + known


def infer_outcome(facts: ResolutionFacts) -> InferredOutcome:
    """Classify a resolution: escalated, else a known fix, else FaultMaven's lead, else people alone."""
    return _classify(facts).model_copy(update={"failed_fix_keys": failed_fixes(facts)})


def stated_outcome(inferred: InferredOutcome, level: ResolutionLevel) -> InferredOutcome:
    """People's answer to "how was it resolved?" replaces the guess; the times stay as measured."""
    return inferred.model_copy(
        update={"level": level, "success": level is not ResolutionLevel.ESCALATED, "inferred": True}
    )


def _classify(facts: ResolutionFacts) -> InferredOutcome:
    total = _seconds(facts.opened_at, facts.resolved_at) or 0
    if _ESCALATED.search(facts.stated_fix):
        return InferredOutcome(level=ResolutionLevel.ESCALATED, success=False, time_to_resolution_s=total)
    worked = [r for r in facts.runbooks if r.helped and r.active]
    if facts.known_fix_id is not None and not any(r.failed > r.worked for r in facts.runbooks):
        return InferredOutcome(
            level=ResolutionLevel.L1,
            fix_key=f"known_fix:{facts.known_fix_id}",
            time_to_resolution_s=total,
            time_to_first_useful_s=_seconds(facts.opened_at, facts.first_answer_at),
        )
    if worked:
        best = max(worked, key=lambda r: (r.worked - r.failed, -r.runbook_id))
        return InferredOutcome(
            level=ResolutionLevel.L1,
            fix_key=f"runbook:{best.runbook_id}",
            time_to_resolution_s=total,
            time_to_first_useful_s=_seconds(facts.opened_at, best.suggested_at or facts.first_answer_at),
        )
    fixed = [a for a in facts.actions if a.fixed and a.recommended]
    if fixed:
        return InferredOutcome(
            level=ResolutionLevel.L2,
            fix_key=f"action:{fixed[0].key}",
            time_to_resolution_s=total,
            time_to_first_useful_s=_seconds(facts.opened_at, facts.first_answer_at),
        )
    if facts.recommended and _overlap(facts.stated_fix, facts.recommended) >= FIX_OVERLAP:
        return InferredOutcome(
            level=ResolutionLevel.L2,
            time_to_resolution_s=total,
            time_to_first_useful_s=_seconds(facts.opened_at, facts.first_answer_at),
        )
    # Votes or actions that did not work say FaultMaven did not help; silence says nothing.
    tried = any(r.worked or r.failed for r in facts.runbooks) or bool(facts.actions)
    return InferredOutcome(level=ResolutionLevel.L3, inferred=tried, time_to_resolution_s=total)
