from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from engine.approvals.policy import ApprovalLevel, Quorum
from engine.approvals.votes import ProposalSnapshot, ProposalStatus, VoteKind, VoteRuling, rule_on_vote

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
APPROVE, DENY = VoteKind.APPROVE, VoteKind.DENY
PENDING = ProposalSnapshot(
    status=ProposalStatus.PENDING,
    requester="U0REQ",
    level=ApprovalLevel.HARD,
    quorum=Quorum.REQUIRE_ONE,
    approvers=(),
    expires_at=NOW + timedelta(minutes=5),
    approvals=(),
)
TWO = replace(PENDING, quorum=Quorum.REQUIRE_TWO)


def accepted(decides: ProposalStatus | None = None) -> VoteRuling:
    return VoteRuling(accepted=True, decides=decides, reason="")


def test_one_approval_from_someone_else_completes_require_one() -> None:
    assert rule_on_vote(PENDING, "U0AAA", APPROVE, NOW) == accepted(ProposalStatus.APPROVED)


def test_require_two_needs_two_different_approvers() -> None:
    first = rule_on_vote(TWO, "U0AAA", APPROVE, NOW)
    second = rule_on_vote(replace(TWO, approvals=("U0AAA",)), "U0BBB", APPROVE, NOW)

    assert first == accepted(None)
    assert second == accepted(ProposalStatus.APPROVED)


def test_requester_cannot_approve_their_own_hard_action() -> None:
    ruling = rule_on_vote(PENDING, "U0REQ", APPROVE, NOW)

    assert not ruling.accepted and ruling.decides is None
    assert ruling.reason == "You asked for this action, so someone else has to approve it."


def test_a_requester_approval_stored_by_mistake_never_counts_toward_quorum() -> None:
    p = replace(TWO, approvals=("U0REQ",))

    assert rule_on_vote(p, "U0AAA", APPROVE, NOW) == accepted(None)


def test_a_double_click_counts_once_and_is_refused_politely() -> None:
    p = replace(TWO, approvals=("U0AAA",))

    ruling = rule_on_vote(p, "U0AAA", APPROVE, NOW)

    assert not ruling.accepted and ruling.decides is None
    assert ruling.reason == "Your approval is already counted. It still needs 1 more."


def test_two_approvals_racing_on_the_same_snapshot_neither_decides_require_two_alone() -> None:
    # Both clicks were judged against the same stored state; the store records them one after the other.
    a = rule_on_vote(TWO, "U0AAA", APPROVE, NOW)
    b = rule_on_vote(TWO, "U0BBB", APPROVE, NOW)

    assert a == b == accepted(None)


def test_of_two_racing_approvals_only_the_one_that_completes_quorum_decides() -> None:
    after_first = replace(TWO, approvals=("U0AAA",))

    second = rule_on_vote(after_first, "U0BBB", APPROVE, NOW)
    late = rule_on_vote(replace(after_first, status=ProposalStatus.APPROVED), "U0CCC", APPROVE, NOW)

    assert second == accepted(ProposalStatus.APPROVED)
    assert not late.accepted and late.decides is None
    assert late.reason == "This request has already been approved, so votes are closed."


def test_a_deny_ends_it() -> None:
    assert rule_on_vote(TWO, "U0AAA", DENY, NOW) == accepted(ProposalStatus.DENIED)


def test_a_deny_after_an_approval_still_ends_it() -> None:
    assert rule_on_vote(replace(TWO, approvals=("U0AAA",)), "U0BBB", DENY, NOW) == accepted(
        ProposalStatus.DENIED
    )


def test_the_requester_may_withdraw_their_request_even_outside_the_allow_list() -> None:
    p = replace(PENDING, approvers=("U0DBA",))

    assert rule_on_vote(p, "U0REQ", DENY, NOW) == accepted(ProposalStatus.DENIED)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ProposalStatus.APPROVED, "This request has already been approved, so votes are closed."),
        (ProposalStatus.DENIED, "This request has already been denied, so votes are closed."),
        (
            ProposalStatus.EXPIRED,
            "This request expired without enough approvals; propose it again if needed.",
        ),
        (ProposalStatus.RUNNING, "This action has already been approved and is running now."),
        (ProposalStatus.SUCCEEDED, "This action has already run, so votes are closed."),
        (ProposalStatus.FORBIDDEN, "The policy forbids this action, so it cannot be approved from Slack."),
    ],
)
@pytest.mark.parametrize("kind", [APPROVE, DENY])
def test_votes_after_a_decision_are_refused_politely(status, reason, kind) -> None:
    ruling = rule_on_vote(replace(PENDING, status=status), "U0AAA", kind, NOW)

    assert ruling == VoteRuling(accepted=False, decides=None, reason=reason)


def test_a_vote_arriving_as_the_request_expires_is_refused() -> None:
    at_expiry = PENDING.expires_at
    assert at_expiry is not None

    just_before = rule_on_vote(PENDING, "U0AAA", APPROVE, at_expiry - timedelta(microseconds=1))
    at = rule_on_vote(PENDING, "U0AAA", APPROVE, at_expiry)
    deny_at = rule_on_vote(PENDING, "U0AAA", DENY, at_expiry)

    assert just_before == accepted(ProposalStatus.APPROVED)
    assert not at.accepted and not deny_at.accepted
    assert at.reason == "This request expired before your vote arrived; propose it again if still needed."


def test_expiry_compares_naive_stored_times_as_utc() -> None:
    naive = replace(PENDING, expires_at=datetime(2026, 3, 1, 12, 5))

    assert not rule_on_vote(naive, "U0AAA", APPROVE, NOW + timedelta(minutes=5)).accepted
    assert rule_on_vote(naive, "U0AAA", APPROVE, NOW).accepted


def test_a_request_without_expiry_stays_open() -> None:
    assert rule_on_vote(replace(PENDING, expires_at=None), "U0AAA", APPROVE, NOW + timedelta(days=9)).accepted


def test_users_outside_the_allow_list_are_refused_and_told_who_may_approve() -> None:
    p = replace(PENDING, approvers=("U0DBA", "S0ONCALL"))

    ruling = rule_on_vote(p, "U0AAA", APPROVE, NOW)
    deny = rule_on_vote(p, "U0AAA", DENY, NOW)

    assert not ruling.accepted and not deny.accepted
    assert ruling.reason == "Only <@U0DBA>, <!subteam^S0ONCALL> can approve or deny this request."


def test_allow_listed_users_and_members_of_an_allow_listed_group_may_approve() -> None:
    p = replace(PENDING, approvers=("U0DBA", "S0ONCALL"))

    assert rule_on_vote(p, "U0DBA", APPROVE, NOW) == accepted(ProposalStatus.APPROVED)
    assert rule_on_vote(p, "U0BOB", APPROVE, NOW, frozenset({"S0ONCALL"})) == accepted(
        ProposalStatus.APPROVED
    )
    assert rule_on_vote(p, "U0BOB", DENY, NOW, frozenset({"S0ONCALL"})) == accepted(ProposalStatus.DENIED)
    assert not rule_on_vote(p, "U0BOB", APPROVE, NOW, frozenset({"S0OTHER"})).accepted


def test_an_allow_listed_requester_still_cannot_approve_their_own_request() -> None:
    assert not rule_on_vote(replace(PENDING, approvers=("U0REQ", "U0DBA")), "U0REQ", APPROVE, NOW).accepted


def test_a_pending_forbidden_proposal_cannot_be_approved() -> None:
    ruling = rule_on_vote(replace(PENDING, level=ApprovalLevel.FORBIDDEN), "U0AAA", APPROVE, NOW)

    assert not ruling.accepted and "forbids" in ruling.reason
