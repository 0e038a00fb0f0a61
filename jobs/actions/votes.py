"""Votes and expiry on approval requests: rules enforced here, on the server, not by hiding buttons."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.mrkdwn import escape, escape_to_fit
from engine.approvals.votes import ProposalStatus, VoteKind, rule_on_vote
from jobs.actions.cards import groups_of, render_card, snapshot_of
from jobs.actions.proposals import (
    action_runtime,
    clicked_proposal,
    enqueue_execution,
    say_in_thread,
    say_privately,
)
from jobs.actions.requests import vote_key
from jobs.audit.runtime import record_audit
from jobs.runtime import JobContext
from jobs.workspaces.team import team_job
from storage.action_models import ActionProposalRow
from storage.models import as_utc

log = logging.getLogger(__name__)


def record_vote(
    proposal_id: int,
    user_id: str,
    kind: str,
    channel_id: str,
    message_ts: str,
    click_ts: str = "",
    reason: str = "",
) -> dict[str, Any]:
    """Apply one Approve/Deny (a Deny with its optional reason); the first decision wins, everything
    else is refused politely."""
    ctx, rt = action_runtime()
    ctx.cases.claim_job(vote_key(proposal_id, user_id, kind, message_ts, click_ts))
    row = clicked_proposal(ctx, rt, proposal_id, user_id, channel_id, message_ts, on="card")
    if row is None:
        record_audit(
            ctx,
            "action_refused_vote",
            case_id=None,
            actor=user_id,
            data={"proposal_id": proposal_id, "kind": kind, "reason": "button does not match its card"},
            event_key=f"forged_vote:{proposal_id}:{user_id}:{kind}:{message_ts}",
        )
        return {"status": "forged", "proposal_id": proposal_id}
    case = ctx.cases.get(row.case_id)
    case_ref = case.ref if case else f"FM-{row.case_id}"
    vote = VoteKind(kind)
    approvals = [v.voter for v in rt.repo.votes(row.id) if v.kind == "approve"]
    ruling = rule_on_vote(
        snapshot_of(row, approvals), user_id, vote, rt.clock(), groups_of(ctx, row, user_id)
    )
    if not ruling.accepted:
        say_privately(ctx, row.channel_id, user_id, ruling.reason, row.thread_ts)
        record_audit(
            ctx,
            "action_refused_vote",
            case_id=row.case_id,
            actor=user_id,
            data={"proposal_id": row.id, "kind": kind, "reason": ruling.reason},
            event_key=f"refused_vote:{row.id}:{user_id}:{kind}:{row.status}",
        )
        return {"status": "refused", "proposal_id": row.id, "reason": ruling.reason}
    reason = reason.strip() if vote is VoteKind.DENY else ""
    if not rt.repo.add_vote(row.id, user_id, vote.value, reason):
        say_privately(
            ctx, row.channel_id, user_id, "Your vote on this request is already counted.", row.thread_ts
        )
        return {"status": "duplicate", "proposal_id": row.id}
    record_audit(
        ctx,
        "action_vote",
        case_id=row.case_id,
        actor=user_id,
        data={"proposal_id": row.id, "kind": vote.value, **({"reason": reason} if reason else {})},
        event_key=f"action_vote:{row.id}:{user_id}",
    )
    if vote is VoteKind.DENY:
        return _deny(ctx, row, user_id, case_ref, reason)
    return _approve(ctx, row, user_id, case_ref)


def _deny(
    ctx: JobContext, row: ActionProposalRow, user_id: str, case_ref: str, reason: str
) -> dict[str, Any]:
    _, rt = action_runtime()
    if not rt.repo.transition(
        row.id, (ProposalStatus.PENDING.value,), ProposalStatus.DENIED.value, by=user_id
    ):
        return _lost_race(ctx, row, user_id)
    record_audit(
        ctx,
        "action_denied",
        case_id=row.case_id,
        actor=user_id,
        data={"proposal_id": row.id, "reason": reason},
        event_key=f"action_denied:{row.id}",
    )
    render_card(ctx, rt, rt.repo.get(row.id) or row, case_ref)
    why = f" Reason: “{escape_to_fit(reason, 800)}”" if reason else ""
    say_in_thread(
        ctx,
        row,
        f"⛔ <@{user_id}> denied request #{row.id} ({escape(row.action)} on {escape(row.target)}); "
        f"it will not run.{why}",
    )
    return {"status": "denied", "proposal_id": row.id}


def _approve(ctx: JobContext, row: ActionProposalRow, user_id: str, case_ref: str) -> dict[str, Any]:
    _, rt = action_runtime()
    needed = snapshot_of(row, []).quorum.needed
    # Counted from the table, not from what this job read earlier: two approvers clicking at the same
    # moment both see the other's vote here, and the conditional transition below lets one of them win.
    approvals = [v.voter for v in rt.repo.votes(row.id) if v.kind == "approve" and v.voter != row.requester]
    if len(approvals) < needed:
        render_card(ctx, rt, row, case_ref)
        say_in_thread(ctx, row, f"👍 <@{user_id}> approved request #{row.id} ({len(approvals)} of {needed}).")
        return {"status": "counted", "proposal_id": row.id, "approvals": len(approvals)}
    expires_at = as_utc(row.expires_at)
    if expires_at is not None and rt.clock() >= expires_at:
        return _lost_race(ctx, row, user_id)
    if not rt.repo.transition(
        row.id, (ProposalStatus.PENDING.value,), ProposalStatus.APPROVED.value, by=user_id
    ):
        current = rt.repo.get(row.id)
        if (
            current is not None
            and current.status != ProposalStatus.PENDING.value
            and current.decided_by != user_id
        ):
            return _lost_race(ctx, row, user_id, quiet=current.status in ("approved", "running", "succeeded"))
        return {"status": "approved elsewhere", "proposal_id": row.id}
    record_audit(
        ctx,
        "action_approved",
        case_id=row.case_id,
        actor=user_id,
        data={"proposal_id": row.id, "approvers": approvals},
        event_key=f"action_approved:{row.id}",
    )
    render_card(ctx, rt, rt.repo.get(row.id) or row, case_ref)
    say_in_thread(
        ctx,
        row,
        f"✅ Request #{row.id} approved by {', '.join(f'<@{u}>' for u in approvals)}; "
        f"running {escape(row.action)}.",
    )
    enqueue_execution(rt, row.id)
    return {"status": "approved", "proposal_id": row.id}


def _lost_race(ctx: JobContext, row: ActionProposalRow, user_id: str, quiet: bool = False) -> dict[str, Any]:
    _, rt = action_runtime()
    current = rt.repo.get(row.id) or row
    if not quiet:
        say_privately(
            ctx,
            row.channel_id,
            user_id,
            f"Request #{row.id} was already decided ({current.status}) before your vote arrived; "
            "nothing changed.",
            row.thread_ts,
        )
    return {"status": f"already {current.status}", "proposal_id": row.id}


def expire_proposal(proposal_id: int) -> dict[str, Any]:
    """Auto-deny an unanswered request at its deadline (scheduled by RQ when it was proposed)."""
    ctx, rt = action_runtime()
    row = rt.repo.get(int(proposal_id))
    if row is None or row.status != ProposalStatus.PENDING.value:
        return {"status": "nothing to expire", "proposal_id": proposal_id}
    expires_at = as_utc(row.expires_at)
    if expires_at is not None and rt.clock() < expires_at:
        # Woken early (clock skew between hosts): look again at the deadline.
        rt.queue.enqueue_later(
            team_job(f"expire_proposal:{row.id}:again", "expire_proposal", [row.id]), expires_at
        )
        return {"status": "not yet", "proposal_id": row.id}
    if not rt.repo.transition(
        row.id, (ProposalStatus.PENDING.value,), ProposalStatus.EXPIRED.value, by="timeout"
    ):
        return {"status": "decided first", "proposal_id": row.id}
    case = ctx.cases.get(row.case_id)
    record_audit(
        ctx,
        "action_expired",
        case_id=row.case_id,
        actor="timeout",
        data={"proposal_id": row.id},
        event_key=f"action_expired:{row.id}",
    )
    render_card(ctx, rt, rt.repo.get(row.id) or row, case.ref if case else f"FM-{row.case_id}")
    say_in_thread(
        ctx,
        row,
        f"⌛ Request #{row.id} ({escape(row.action)} on {escape(row.target)}) expired without a decision; "
        "it was not run.",
    )
    return {"status": "expired", "proposal_id": row.id}
