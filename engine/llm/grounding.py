"""Hold Claude's answer to the same contract as the offline engine: seen means quoted from the case."""

from __future__ import annotations

from dataclasses import dataclass

from engine.llm.schema import LlmAnswer
from engine.models import CaseContext, Hypothesis
from engine.observations import quotes_case
from engine.technology import is_foreign

NOT_SURE = "Not sure yet"


@dataclass(frozen=True)
class Grounded:
    answer: LlmAnswer
    # Claimed observations whose quote is nowhere in the case: removed, and counted for the note.
    dropped: int


def _ground(hypothesis: Hypothesis, case: CaseContext, named: list[str]) -> tuple[Hypothesis, int]:
    kept = [o for o in hypothesis.observed if quotes_case(o, case)]
    checks = [c for c in hypothesis.checks if not is_foreign(c, named)]
    update = {"observed": kept, "checks": checks}
    return hypothesis.model_copy(update=update), len(hypothesis.observed) - len(kept)


def ground_answer(case: CaseContext, answer: LlmAnswer, named: list[str]) -> Grounded:
    """Drop observations not quoted from the case and checks/actions for technologies it does not name."""
    hypotheses, dropped = [], 0
    for hypothesis in answer.hypotheses:
        grounded, removed = _ground(hypothesis, case, named)
        hypotheses.append(grounded)
        dropped += removed
    actions = [
        a for a in answer.recommended_actions if not is_foreign(f"{a.title} {a.command} {a.rollback}", named)
    ]
    summary = answer.summary
    if not answer.confident and not summary.lower().startswith(NOT_SURE.lower()):
        # The "not sure" mode must be visible in the headline, whatever the model wrote.
        summary = f"{NOT_SURE}: {summary[:1].lower()}{summary[1:]}"
    steps = [s for s in answer.next_steps if not is_foreign(s, named)]
    update = {
        "hypotheses": hypotheses,
        "recommended_actions": actions,
        "summary": summary,
        "next_steps": steps,
    }
    return Grounded(answer.model_copy(update=update), dropped)
