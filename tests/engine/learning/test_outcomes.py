"""Resolution levels inferred from what happened on a case, and honest figures from small samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.learning.figures import ProblemSignature, percentile, wilson_interval
from engine.learning.outcomes import (
    ActionResult,
    ResolutionFacts,
    ResolutionLevel,
    RunbookVerdict,
    infer_outcome,
)

OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RESOLVED = OPENED + timedelta(minutes=42)
ANSWERED = OPENED + timedelta(minutes=1)


def facts(stated_fix: str = "restarted the box by hand", **extra: object) -> ResolutionFacts:
    return ResolutionFacts.model_validate(
        {
            "opened_at": OPENED,
            "resolved_at": RESOLVED,
            "stated_fix": stated_fix,
            "first_answer_at": ANSWERED,
            "recommended": ["Redis maxmemory reached", "raise maxmemory or set an eviction policy"],
            **extra,
        }
    )


def test_a_runbook_voted_worked_is_a_known_fix_resolution() -> None:
    voted = RunbookVerdict(runbook_id=7, active=True, worked=2, failed=1, suggested_at=ANSWERED)
    outcome = infer_outcome(facts(runbooks=[voted]))
    assert (outcome.level, outcome.fix_key, outcome.success) == (ResolutionLevel.L1, "runbook:7", True)
    assert (outcome.time_to_resolution_s, outcome.time_to_first_useful_s) == (42 * 60, 60)


def test_a_tie_or_a_draft_runbook_is_not_a_known_fix() -> None:
    tie = RunbookVerdict(runbook_id=7, active=True, worked=1, failed=1)
    draft = RunbookVerdict(runbook_id=8, active=False, worked=3)
    outcome = infer_outcome(facts(runbooks=[tie, draft]))
    assert outcome.level is ResolutionLevel.L3 and outcome.inferred


def test_a_recommended_action_that_fixed_it_is_faultmavens_lead() -> None:
    ran = ActionResult(key="abc123", title="Raise maxmemory", ok=True, verified="fixed", recommended=True)
    outcome = infer_outcome(facts(actions=[ran]))
    assert (outcome.level, outcome.fix_key) == (ResolutionLevel.L2, "action:abc123")
    assert outcome.time_to_first_useful_s == 60


@pytest.mark.parametrize("verified", ["not_fixed", "check_failed", "rolled_back"])
def test_an_action_whose_verification_failed_earns_no_credit(verified: str) -> None:
    ran = ActionResult(key="abc123", title="Raise maxmemory", ok=True, verified=verified, recommended=True)
    outcome = infer_outcome(facts(actions=[ran]))
    assert outcome.level is ResolutionLevel.L3 and outcome.inferred


def test_a_stated_fix_that_repeats_the_diagnosis_is_faultmavens_lead() -> None:
    outcome = infer_outcome(facts("set an eviction policy and raised maxmemory"))
    assert outcome.level is ResolutionLevel.L2 and outcome.fix_key == ""


def test_nothing_to_go_on_is_l3_marked_as_an_assumption() -> None:
    outcome = infer_outcome(facts("restarted the box by hand"))
    assert (outcome.level, outcome.inferred, outcome.time_to_first_useful_s) == (
        ResolutionLevel.L3,
        False,
        None,
    )


def test_escalation_wins_over_everything_and_is_not_a_success() -> None:
    voted = RunbookVerdict(runbook_id=7, active=True, worked=2)
    outcome = infer_outcome(facts("escalated to the vendor, they patched it", runbooks=[voted]))
    assert (outcome.level, outcome.success) == (ResolutionLevel.ESCALATED, False)


def test_a_promoted_known_fix_resolves_at_l1_unless_its_runbook_was_voted_down() -> None:
    assert infer_outcome(facts(known_fix_id=3)).fix_key == "known_fix:3"
    downvoted = RunbookVerdict(runbook_id=7, active=True, failed=2)
    assert infer_outcome(facts(known_fix_id=3, runbooks=[downvoted])).level is ResolutionLevel.L3


def test_wilson_interval_matches_published_values() -> None:
    # 7/7 and 5/10 from the closed form; 0/0 says "we know nothing".
    assert wilson_interval(7, 7) == pytest.approx((0.6457, 1.0), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_p90_is_the_nearest_rank() -> None:
    assert percentile(list(range(1, 11)), 0.9) == 9.0
    assert percentile([], 0.9) is None


def test_signature_prefers_the_runbook_then_the_top_cause() -> None:
    assert ProblemSignature.of("database", 4, "x", "Cache-01").key == "database|runbook:4|cache-01"
    assert (
        ProblemSignature.of("database", None, "Redis maxmemory!", None).key
        == "database|pattern:redis-maxmemory|-"
    )
