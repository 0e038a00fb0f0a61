"""Offline drafting fills the runbook template from the case only."""

from __future__ import annotations

from engine.models import Category, Diagnosis, EvidenceSource, Hypothesis, Observation, RecommendedAction
from engine.runbooks.drafting import NO_STEPS, ResolvedCase, draft_runbook_from_case, split_resolution
from engine.runbooks.models import RunbookSource, RunbookStatus

CASE = ResolvedCase(
    case_ref="FM-7",
    title="Checkout pods OOMKilled",
    description="checkout restarts every few minutes",
    service="checkout",
    severity="high",
    resolution="root cause: bad memory limit in v42; fix: rolled back to v41",
    resolved_by="W222",
    diagnosis=Diagnosis(
        summary="memory",
        category=Category.RESOURCE_EXHAUSTION,
        hypotheses=[
            Hypothesis(
                cause="memory limit too low",
                confidence=0.7,
                observed=[Observation(quote="OOMKilled", source=EvidenceSource.REPORT)],
                checks=["kubectl describe pod"],
            )
        ],
        recommended_actions=[
            RecommendedAction(title="Raise the limit", rollback="set the limit back to 512Mi"),
            RecommendedAction(title="Restart"),
        ],
    ),
)


def test_draft_uses_report_hypotheses_resolution_and_rollbacks() -> None:
    draft = draft_runbook_from_case(CASE, author="W111")
    s = draft.sections

    assert draft.status is RunbookStatus.PENDING_REVIEW and draft.source is RunbookSource.GENERATED
    assert draft.author == "W111" and draft.source_path == "cases/FM-7"
    assert "checkout restarts every few minutes" in s.problem_summary
    assert "- OOMKilled" in s.problem_summary
    assert "memory limit too low" in s.diagnosis_steps and "Check: kubectl describe pod" in s.diagnosis_steps
    assert s.root_cause == "bad memory limit in v42"
    assert s.solution.startswith("rolled back to v41")
    assert "Raise the limit: set the limit back to 512Mi" in s.solution and "Restart" not in s.solution
    assert s.prevention.startswith("_Suggested from the category, not from the case")
    assert draft.categories == ["resource_exhaustion"] and draft.services == ["checkout"]


def test_case_without_diagnosis_claims_no_steps() -> None:
    draft = draft_runbook_from_case(
        CASE.model_copy(update={"diagnosis": None, "resolution": "restarted"}), "W1"
    )

    assert draft.sections.diagnosis_steps == NO_STEPS
    assert draft.sections.root_cause == draft.sections.solution == "restarted"
    assert "Not recorded in the case" in draft.sections.prevention
    assert split_resolution("root cause: a. fix: b") == ("a", "b")
