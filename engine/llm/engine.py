"""The Claude engine: model routing, fallback strong → fast → offline, and a circuit breaker."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from engine.changes import describe_changes
from engine.llm.breaker import CircuitBreaker
from engine.llm.caller import LlmAttemptError, ModelCaller
from engine.llm.grounding import ground_answer
from engine.llm.prompts import build_request, last_human_text
from engine.llm.safety import review_actions
from engine.llm.schema import LlmAnswer
from engine.models import CaseContext, Diagnosis, LlmCall
from engine.ports import DiagnosisEngine
from engine.technology import named_technologies

log = logging.getLogger(__name__)

# A follow-up this short, without log-looking lines, is a quick exchange the fast model handles well.
SHORT_FOLLOW_UP_CHARS = 280
_LOG_LIKE = re.compile(r"\n.*\n|\b(error|exception|traceback|fatal|panic|exit code|killed)\b", re.I)


@dataclass(frozen=True)
class ModelRoute:
    """Which models to try, in order, and why."""

    models: tuple[str, ...]
    purpose: str


class ClaudeEngine:
    """Diagnoses with Claude; falls back model by model, then to the offline engine with a visible note."""

    name = "claude"

    def __init__(
        self,
        caller: ModelCaller[LlmAnswer],
        fallback: DiagnosisEngine,
        fast_model: str,
        strong_model: str,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._caller = caller
        self._fallback = fallback
        self._fast = fast_model
        self._strong = strong_model
        self.breaker = breaker or CircuitBreaker()

    def route(self, case: CaseContext) -> ModelRoute:
        """Strong model for the opening report and evidence-heavy turns; fast for short follow-ups."""
        latest = last_human_text(case)
        if (
            case.previous is not None
            and len(latest) <= SHORT_FOLLOW_UP_CHARS
            and not _LOG_LIKE.search(latest)
        ):
            return ModelRoute((self._fast,), "follow_up")
        return ModelRoute((self._strong, self._fast), "diagnosis")

    def diagnose(self, case: CaseContext) -> Diagnosis:
        """Ask Claude along the route; on failure or an open breaker, answer offline at once."""
        route = self.route(case)
        calls: list[LlmCall] = []
        failures: list[str] = []
        system, messages = build_request(case)
        for model in route.models:
            if not self.breaker.allow():
                wait = round(self.breaker.seconds_until_retry())
                return self._offline(
                    case,
                    calls,
                    "Claude is unavailable right now, so the offline knowledge engine answered "
                    f"(retrying Claude in ~{wait}s).",
                )
            try:
                attempt = self._caller.ask(model, route.purpose, system, messages)
            except LlmAttemptError as error:
                calls.extend(error.calls)
                failures.append(str(error))
                # Malformed output means the API is up; only availability failures trip the breaker.
                if error.calls and error.calls[-1].outcome == "error":
                    self.breaker.record_failure()
                else:
                    self.breaker.record_success()
                log.warning(
                    "LLM attempt failed", extra={"case": case.case_ref, "model": model, "error": str(error)}
                )
                continue
            self.breaker.record_success()
            calls.extend(attempt.calls)
            assert attempt.answer is not None
            fell_back = f"{failures[0].split(':')[0]} could not answer; {model} did." if failures else None
            return self._to_diagnosis(case, attempt.answer, model, calls, fell_back)
        reason = "; ".join(failures) or "no model available"
        return self._offline(
            case, calls, f"Claude could not answer ({reason}), so the offline knowledge engine did."
        )

    def _offline(self, case: CaseContext, calls: list[LlmCall], note: str) -> Diagnosis:
        diagnosis = self._fallback.diagnose(case)
        return diagnosis.model_copy(update={"note": note, "llm_calls": calls})

    def _to_diagnosis(
        self, case: CaseContext, answer: LlmAnswer, model: str, calls: list[LlmCall], note: str | None
    ) -> Diagnosis:
        named = named_technologies(case.evidence_text())
        grounded = ground_answer(case, answer, named)
        if grounded.dropped:
            log.warning(
                "LLM claimed unseen evidence", extra={"case": case.case_ref, "count": grounded.dropped}
            )
            dropped = f"Dropped {grounded.dropped} claimed observation(s) not found in the case."
            note = f"{note} {dropped}" if note else dropped
        answer = grounded.answer
        review = review_actions(answer.recommended_actions)
        if review.rejected:
            log.warning(
                "LLM proposed unsafe actions", extra={"case": case.case_ref, "count": len(review.rejected)}
            )
            removed = f"Removed {len(review.rejected)} proposed action(s) that failed the safety check."
            note = f"{note} {removed}" if note else removed
        diagnosis = Diagnosis(
            summary=answer.summary,
            category=answer.category,
            categories=list(dict.fromkeys([answer.category, *answer.categories]))[:3],
            severity=answer.severity,
            hypotheses=sorted(answer.hypotheses, key=lambda h: -h.confidence)[:3],
            next_steps=answer.next_steps,
            recommended_actions=review.kept,
            questions=answer.questions,
            confident=answer.confident,
            confidence=answer.hypotheses[0].confidence if answer.hypotheses else 0.0,
            technologies=named,
            engine=self.name,
            model=model,
            note=note,
            llm_calls=calls,
        )
        return diagnosis.model_copy(update={"changes": describe_changes(case.previous, diagnosis)})
