"""Rules for one vote on a proposal, enforced on the server whatever buttons a client showed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from engine.approvals.policy import ApprovalLevel, Quorum


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"
    FORBIDDEN = "forbidden"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNDONE = "undone"
    WITHDRAWN = "withdrawn"


class VoteKind(StrEnum):
    APPROVE = "approve"
    DENY = "deny"


@dataclass(frozen=True)
class ProposalSnapshot:
    """What a vote is judged against: the proposal as stored when the vote arrived."""

    status: ProposalStatus
    requester: str
    level: ApprovalLevel
    quorum: Quorum
    approvers: tuple[str, ...]  # allow-list of user ids (U…/W…) and user-group ids (S…); () = anyone
    expires_at: datetime | None
    approvals: tuple[str, ...]  # distinct users who approved so far


@dataclass(frozen=True)
class VoteRuling:
    """Whether the vote counts, and the decision it completes, if any."""

    accepted: bool
    decides: ProposalStatus | None  # APPROVED when this approval completes the quorum, DENIED on a deny
    reason: str  # polite, user-facing, for refusals ("" when accepted)


# Why a vote after the decision is refused, by the status the proposal already has.
_CLOSED = {
    ProposalStatus.APPROVED: "This request has already been approved, so votes are closed.",
    ProposalStatus.DENIED: "This request has already been denied, so votes are closed.",
    ProposalStatus.EXPIRED: "This request expired without enough approvals; propose it again if needed.",
    ProposalStatus.FORBIDDEN: "The policy forbids this action, so it cannot be approved from Slack.",
    ProposalStatus.RUNNING: "This action has already been approved and is running now.",
    ProposalStatus.SUCCEEDED: "This action has already run, so votes are closed.",
    ProposalStatus.FAILED: "This action has already run (it failed), so votes are closed.",
    ProposalStatus.UNDONE: "This action has already run and been rolled back, so votes are closed.",
    ProposalStatus.WITHDRAWN: "This request was withdrawn when its case was resolved, so votes are closed.",
}


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; they are stored in UTC, so compare them as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _refuse(reason: str) -> VoteRuling:
    return VoteRuling(accepted=False, decides=None, reason=reason)


def mention(approver: str) -> str:
    """A Slack mention for a user id or a user-group id."""
    return f"<!subteam^{approver}>" if approver.startswith("S") else f"<@{approver}>"


def may_vote(p: ProposalSnapshot, voter: str, voter_groups: frozenset[str] = frozenset()) -> bool:
    """Whether the allow-list lets this user vote (an empty allow-list lets anyone)."""
    return not p.approvers or voter in p.approvers or bool(voter_groups & set(p.approvers))


def rule_on_vote(
    p: ProposalSnapshot,
    voter: str,
    kind: VoteKind,
    now: datetime,
    voter_groups: frozenset[str] = frozenset(),
) -> VoteRuling:
    """Judge one vote; the caller stores it only when accepted, and applies `decides` if set."""
    if p.status is not ProposalStatus.PENDING:
        return _refuse(_CLOSED.get(p.status, "Votes on this request are closed."))
    if p.expires_at is not None and _utc(now) >= _utc(p.expires_at):
        return _refuse("This request expired before your vote arrived; propose it again if still needed.")
    if p.level is ApprovalLevel.FORBIDDEN:
        return _refuse(_CLOSED[ProposalStatus.FORBIDDEN])
    withdrawing = kind is VoteKind.DENY and voter == p.requester
    if not withdrawing and not may_vote(p, voter, voter_groups):
        who = ", ".join(mention(a) for a in p.approvers)
        return _refuse(f"Only {who} can approve or deny this request.")
    if kind is VoteKind.DENY:
        return VoteRuling(accepted=True, decides=ProposalStatus.DENIED, reason="")
    if voter == p.requester:
        return _refuse("You asked for this action, so someone else has to approve it.")
    others = {a for a in p.approvals if a != p.requester}
    if voter in others:
        still = p.quorum.needed - len(others)
        more = f" It still needs {still} more." if still > 0 else ""
        return _refuse(f"Your approval is already counted.{more}")
    complete = len(others) + 1 >= p.quorum.needed
    return VoteRuling(accepted=True, decides=ProposalStatus.APPROVED if complete else None, reason="")
