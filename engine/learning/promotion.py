"""When a fix has proven itself on one problem, propose it as a known fix; and answer with it later."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from engine.learning.figures import median_of, wilson_interval
from engine.models import Category, Diagnosis, Hypothesis

MIN_CASES = 5
MIN_SUCCESS = 0.9


class FixTrial(BaseModel):
    """One resolved case of a signature: the fix that worked, and the fixes that did not."""

    case_ref: str
    fix_key: str
    success: bool
    failed_fix_keys: list[str]
    time_to_resolution_s: int


class PromotionEvidence(BaseModel):
    fix_key: str
    cases: list[str]
    successes: int
    trials: int
    low: float
    high: float
    median_ttr_s: float | None = None


def promotion_candidates(
    trials: list[FixTrial], min_cases: int = MIN_CASES, min_success: float = MIN_SUCCESS
) -> list[PromotionEvidence]:
    """Fixes that resolved the signature at least `min_cases` times at `min_success` or better.

    A case counts against a fix when the fix was tried there and did not work, so a runbook
    that worked 5 times and was voted down 3 times (5/8) is not proposed.
    """
    worked: dict[str, list[FixTrial]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    for trial in trials:
        if trial.fix_key and trial.success and not trial.fix_key.startswith("known_fix:"):
            worked[trial.fix_key].append(trial)
        for key in trial.failed_fix_keys:
            failed[key] += 1
    found = []
    for key, cases in sorted(worked.items()):
        total = len(cases) + failed[key]
        if len(cases) >= min_cases and len(cases) / total >= min_success:
            low, high = wilson_interval(len(cases), total)
            found.append(
                PromotionEvidence(
                    fix_key=key,
                    cases=[c.case_ref for c in cases],
                    successes=len(cases),
                    trials=total,
                    low=low,
                    high=high,
                    median_ttr_s=median_of([c.time_to_resolution_s for c in cases]),
                )
            )
    return found


def known_fix_label(successes: int, trials: int) -> str:
    """What the answer is called: "Known fix (resolved 7/7 times)"."""
    return f"Known fix (resolved {successes}/{trials} times)"


def known_fix_diagnosis(category: str, fix_text: str, name: str, successes: int, trials: int) -> Diagnosis:
    """The instant answer for a case matching an approved known fix: no engine, no LLM call."""
    label = known_fix_label(successes, trials)
    known = Category(category) if category in Category.__members__.values() else Category.UNKNOWN
    return Diagnosis(
        summary=f"{label}: {name}",
        category=known,
        hypotheses=[
            # The record of past resolutions is the support; nothing in this case was observed yet.
            Hypothesis(cause=name, confidence=min(0.99, successes / max(trials, 1)), checks=[fix_text])
        ],
        next_steps=[
            fix_text,
            "If this does not fix it, say so in the thread and I will diagnose from scratch.",
        ],
        engine="known_fix",
        note=f"{label}: answered from the team's proven fix, before any diagnosis.",
    )
