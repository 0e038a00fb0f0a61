"""Stored proposals as the cards and results the thread shows (posted and kept current here), and the
requests executors receive."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.blocks.action_results import ActionOutcome
from bot.blocks.approvals import ProposalCard, approval_card_text, build_approval_card_blocks
from engine.actions.executors import ExecutionRequest
from engine.approvals.command_effects import is_executable
from engine.approvals.policy import ApprovalLevel, ApprovalPolicy, PolicyDecision, Quorum
from engine.approvals.votes import ProposalSnapshot, ProposalStatus
from jobs.actions.runtime import ActionRuntime
from jobs.learning.home_refresh import queue_home_refresh
from jobs.runtime import JobContext
from storage.action_models import ActionExecutionRow, ActionProposalRow
from storage.models import as_utc

log = logging.getLogger(__name__)


def parameters_of(row: ActionProposalRow) -> dict[str, str]:
    """The proposal's typed parameters."""
    return {str(k): str(v) for k, v in json.loads(row.parameters_json or "{}").items()}


def approvers_of(row: ActionProposalRow) -> tuple[str, ...]:
    """Who the policy allows to approve (empty: anyone but the requester)."""
    return tuple(json.loads(row.approvers_json or "[]"))


def decision_of(row: ActionProposalRow) -> PolicyDecision:
    """The policy decision as it was taken when the action was proposed."""
    return PolicyDecision(
        level=ApprovalLevel(row.level),
        quorum=Quorum(row.quorum),
        approvers=approvers_of(row),
        timeout_seconds=row.timeout_seconds,
        undo_seconds=row.undo_seconds,
        rule=row.rule,
        critical=row.critical,
    )


def snapshot_of(row: ActionProposalRow, approvals: list[str]) -> ProposalSnapshot:
    """What the vote rules read."""
    return ProposalSnapshot(
        status=ProposalStatus(row.status),
        requester=row.requester,
        level=ApprovalLevel(row.level),
        quorum=Quorum(row.quorum),
        approvers=approvers_of(row),
        expires_at=as_utc(row.expires_at),
        approvals=tuple(approvals),
    )


def rollback_runs(rollback: str, policy: ApprovalPolicy | None = None) -> bool:
    """Whether a rollback is a command or a command template, rather than prose for people."""
    return bool(rollback) and (
        is_executable(rollback) or (policy is not None and rollback in policy.commands)
    )


def card_of(
    row: ActionProposalRow,
    case_ref: str,
    approvals: list[str],
    dry_run: bool,
    oncall_group: str | None = None,
    policy: ApprovalPolicy | None = None,
    deny_reason: str = "",
) -> ProposalCard:
    """The approval card's view of a proposal; it mentions the allowed approvers, else the on-call group."""
    decision = decision_of(row)
    notify = list(decision.approvers) or ([oncall_group] if oncall_group else [])
    return ProposalCard(
        proposal_id=row.id,
        case_ref=case_ref,
        purpose=row.purpose,
        action=row.action,
        target=row.target,
        parameters=parameters_of(row),
        command=row.command,
        risk=row.risk,
        rollback=row.rollback,
        rollback_runnable=rollback_runs(row.rollback, policy),
        reason=row.reason,
        requester=row.requester,
        notify=notify if row.level == ApprovalLevel.HARD.value else [],
        policy=decision.describe(),
        level=row.level,
        status=row.status,
        approvals=approvals,
        needed=decision.quorum.needed,
        approvers=list(decision.approvers),
        timeout_seconds=row.timeout_seconds,
        expires_at=as_utc(row.expires_at),
        decided_by=row.decided_by,
        deny_reason=deny_reason,
        dry_run=dry_run,
    )


def request_of(
    row: ActionProposalRow, case_ref: str, approvals: list[str], dry_run: bool
) -> ExecutionRequest:
    """What the executor receives; the idempotency key makes a retried delivery run once."""
    return ExecutionRequest(
        proposal_id=row.id,
        idempotency_key=f"fm-{row.id}-{row.purpose}",
        case_ref=case_ref,
        action=row.action,
        target=row.target,
        parameters=parameters_of(row),
        command=row.command,
        requested_by=row.requester,
        approved_by=approvals,
        purpose="rollback" if row.purpose == "rollback" else "execute",
        dry_run=dry_run,
    )


def outcome_of(
    row: ActionProposalRow,
    case_ref: str,
    execution: ActionExecutionRow,
    can_roll_back: bool,
    ask_if_fixed: bool,
) -> ActionOutcome:
    """The result message's view of an execution."""
    undo_until = None
    if row.level == ApprovalLevel.SOFT.value and can_roll_back and row.purpose == "execute":
        undo_until = (as_utc(execution.created_at) or datetime.now(UTC)) + timedelta(seconds=row.undo_seconds)
    return ActionOutcome(
        proposal_id=row.id,
        case_ref=case_ref,
        purpose=row.purpose,
        action=row.action,
        target=row.target,
        ok=execution.ok,
        executor=execution.executor,
        dry_run=execution.dry_run,
        summary=execution.summary,
        output=execution.output,
        can_roll_back=can_roll_back and execution.ok and row.purpose == "execute" and row.status != "undone",
        undo_until=undo_until,
        ask_if_fixed=ask_if_fixed,
        verified=row.verified,
    )


def groups_of(ctx: JobContext, row: ActionProposalRow, user_id: str) -> frozenset[str]:
    """The allow-listed user groups this person belongs to (asked of Slack only when groups are listed)."""
    groups = [a for a in snapshot_of(row, []).approvers if a.startswith("S")]
    member_of = set()
    for group in groups:
        try:
            users = ctx.slack.usergroups_users_list(usergroup=group).get("users") or []
        except SlackApiError as error:
            log.warning("could not read user group", extra={"group": group, "error": str(error)})
            continue
        if user_id in users:
            member_of.add(group)
    return frozenset(member_of)


def render_card(ctx: JobContext, rt: ActionRuntime, row: ActionProposalRow, case_ref: str) -> str:
    """Post the approval card once, then update it in place; returns its ts."""
    votes = rt.repo.votes(row.id)
    approvals = [v.voter for v in votes if v.kind == "approve"]
    deny_reason = next((v.reason for v in votes if v.kind == "deny" and v.voter == row.decided_by), "")
    card = card_of(
        row, case_ref, approvals, rt.dry_run, rt.oncall_group(row.channel_id), rt.policy, deny_reason
    )
    blocks = build_approval_card_blocks(card)
    card_ts = row.card_ts
    if card_ts is None:
        resp = ctx.slack.chat_postMessage(
            channel=row.channel_id, thread_ts=row.thread_ts, text=approval_card_text(card), blocks=blocks
        )
        card_ts = str(resp["ts"])
        rt.repo.set_fields(row.id, card_ts=card_ts)
    else:
        ctx.slack.chat_update(
            channel=row.channel_id, ts=card_ts, text=approval_card_text(card), blocks=blocks
        )
    # The request appears on (or leaves) each approver's Home tab (listed users; groups are not expanded).
    queue_home_refresh(rt.queue, snapshot_of(row, []).approvers, f"{row.id}-{row.status}")
    return card_ts
