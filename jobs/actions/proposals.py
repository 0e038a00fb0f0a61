"""Proposing an action on a case: the policy decides, the card goes up, hard requests wait for votes."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field

from bot.blocks.mrkdwn import escape
from engine.actions.credentials import credential_refusal
from engine.approvals.policy import ApprovalLevel
from engine.approvals.votes import ProposalStatus
from engine.case_facts import extract_case_facts
from engine.models import Diagnosis, RecommendedAction, RiskLevel
from jobs.actions.cards import render_card
from jobs.actions.runtime import ActionRuntime
from jobs.audit.runtime import record_audit
from jobs.runtime import JobContext, current_context
from jobs.workspaces.team import team_job
from storage.action_models import ActionProposalRow
from storage.actions import NewProposal
from storage.models import Case

log = logging.getLogger(__name__)

# A proposal in one of these is still "live": proposing the same action on the same target again
# points at it instead of opening a second request.
OPEN_STATUSES = ("pending", "approved", "running")


class ActionDraft(BaseModel):
    """What someone asks to run, before the policy decides; `policy_subject` is what the policy judges
    when it differs from the action the executor receives (a rollback)."""

    action: str
    target: str
    risk: RiskLevel = RiskLevel.HIGH
    parameters: dict[str, str] = Field(default_factory=dict)
    command: str = ""
    rollback: str = ""
    reason: str = ""
    purpose: str = "execute"
    parent_id: int | None = None
    policy_subject: str | None = None


def action_runtime() -> tuple[JobContext, ActionRuntime]:
    """The job context and its action runtime; a worker without one is misconfigured."""
    ctx = current_context()
    if ctx.actions is None:
        raise RuntimeError("no ActionRuntime installed: start jobs through `faultmaven worker`")
    return ctx, ctx.actions


def find_recommended(case: Case, key: str) -> RecommendedAction | None:
    """The recommended action with this key in the case's latest diagnosis (never the button's text)."""
    if not case.diagnosis_json:
        return None
    diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
    return next((a for a in diagnosis.recommended_actions if a.key == key), None)


def say_privately(ctx: JobContext, channel_id: str, user_id: str, text: str, thread_ts: str | None) -> None:
    """An ephemeral answer to one person (a refusal, a pointer)."""
    ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text, thread_ts=thread_ts)


def clicked_proposal(
    ctx: JobContext,
    rt: ActionRuntime,
    proposal_id: int,
    user_id: str,
    channel_id: str,
    message_ts: str,
    on: str,
) -> ActionProposalRow | None:
    """The proposal a button names, only when the click came from that proposal's own `on` message
    ("card" or "result"): an id from another case, another channel, another workspace (the job's
    case repository sees only the clicking team's cases) or a made-up one is refused."""
    row = rt.repo.get(int(proposal_id))
    expected = (row.card_ts if on == "card" else row.result_ts) if row else None
    foreign = row is not None and ctx.cases.get(row.case_id) is None
    if row is None or foreign or row.channel_id != channel_id or expected != message_ts:
        say_privately(ctx, channel_id, user_id, "That button does not match any request here.", None)
        return None
    return row


def say_in_thread(ctx: JobContext, row: ActionProposalRow, text: str) -> None:
    """One short line in the case thread for a state change."""
    ctx.slack.chat_postMessage(channel=row.channel_id, thread_ts=row.thread_ts, text=text)


def enqueue_execution(rt: ActionRuntime, proposal_id: int, attempt: int = 0) -> None:
    """Start (or retry) running an approved action; the outbox row means it survives a Redis outage."""
    job = team_job(f"execute_action:{proposal_id}:{attempt}", "execute_action", [proposal_id, attempt])
    rt.repo.record_request(job)
    rt.queue.enqueue(job)


def propose(
    ctx: JobContext,
    rt: ActionRuntime,
    case: Case,
    new: ActionDraft,
    requester: str,
    dedupe_key: str,
) -> dict[str, Any]:
    """Record a proposal with the policy's decision, post its card, and start what the level allows."""
    if case.root_ts is None:
        return {"status": "no thread", "case": case.ref}
    risk = new.risk
    subject = new.action if new.policy_subject is None else new.policy_subject
    environment = extract_case_facts(
        case.service, [case.title, case.description], rt.channel_environments.get(case.channel_id)
    ).environment
    decision = rt.policy.decide(subject, new.target, risk, new.command, environment)
    live = [
        p
        for p in rt.repo.for_case(case.id)
        if p.status in OPEN_STATUSES
        and p.action == new.action
        and p.target == new.target
        and p.purpose == new.purpose
        and p.dedupe_key != dedupe_key
    ]
    if live:
        say_privately(
            ctx,
            case.channel_id,
            requester,
            f"“{escape(new.action)}” on {escape(new.target)} is already requested "
            f"(request #{live[0].id} in this thread); vote on that card instead.",
            case.root_ts,
        )
        return {"status": "already open", "proposal_id": live[0].id}
    now = rt.clock()
    status = {
        ApprovalLevel.FORBIDDEN: ProposalStatus.FORBIDDEN,
        ApprovalLevel.HARD: ProposalStatus.PENDING,
    }.get(decision.level, ProposalStatus.APPROVED)
    row, created = rt.repo.create(
        NewProposal(
            dedupe_key=dedupe_key,
            case_id=case.id,
            action=new.action[:300],
            target=new.target[:200],
            risk=risk.value,
            requester=requester,
            level=decision.level.value,
            quorum=decision.quorum.value,
            rule=decision.rule,
            critical=decision.critical,
            timeout_seconds=decision.timeout_seconds,
            undo_seconds=decision.undo_seconds,
            status=status.value,
            channel_id=case.channel_id,
            thread_ts=case.root_ts,
            expires_at=now + timedelta(seconds=decision.timeout_seconds)
            if status is ProposalStatus.PENDING
            else None,
            parameters=new.parameters,
            approvers=decision.approvers,
            command=new.command,
            rollback=new.rollback,
            reason=new.reason,
            purpose=new.purpose,
            parent_id=new.parent_id,
        )
    )
    if created:
        record_audit(
            ctx,
            "action_proposed",
            case_id=case.id,
            actor=requester,
            data={
                "proposal_id": row.id,
                "purpose": row.purpose,
                "action": row.action,
                "target": row.target,
                "parameters": new.parameters,
                "command": row.command,
                "risk": row.risk,
                "level": row.level,
                "quorum": row.quorum,
                "rule": row.rule,
                "critical": row.critical,
                "reason": row.reason,
            },
            event_key=f"action_proposed:{row.id}",
        )
        if status is ProposalStatus.FORBIDDEN:
            record_audit(
                ctx,
                "action_forbidden",
                case_id=case.id,
                actor="policy",
                data={"proposal_id": row.id, "rule": row.rule},
                event_key=f"action_forbidden:{row.id}",
            )
    render_card(ctx, rt, rt.repo.get(row.id) or row, case.ref)
    if status is ProposalStatus.PENDING and row.expires_at is not None:
        # The scheduler auto-denies it at the deadline; a vote that lands first wins the race cleanly.
        rt.queue.enqueue_later(
            team_job(f"expire_proposal:{row.id}", "expire_proposal", [row.id]), row.expires_at
        )
    elif status is ProposalStatus.APPROVED:
        enqueue_execution(rt, row.id)
    log.info("action proposed", extra={"case": case.ref, "proposal_id": row.id, "level": row.level})
    return {"status": row.status, "proposal_id": row.id, "level": row.level}


def propose_recommended_action(
    case_id: int, key: str, user_id: str, channel_id: str, delivery_key: str
) -> dict[str, Any]:
    """Run… on a recommended action: look it up server-side in the case's diagnosis and propose it."""
    ctx, rt = action_runtime()
    ctx.cases.claim_job(f"propose_recommended_action:{delivery_key}")
    case = ctx.cases.get(int(case_id))
    if case is None or case.channel_id != channel_id:
        say_privately(
            ctx, channel_id, user_id, "That button does not belong to a case in this channel.", None
        )
        return {"status": "forged", "case_id": case_id}
    action = find_recommended(case, key)
    if action is None:
        say_privately(
            ctx,
            channel_id,
            user_id,
            "That action is no longer in the latest diagnosis. Propose it yourself with "
            "`@FaultMaven run <action> <target>` in the thread.",
            case.root_ts,
        )
        return {"status": "stale", "case": case.ref}
    proposal = ActionDraft(
        action=action.title,
        policy_subject="",  # the command is judged, never the title's words
        target=action.target or case.service or "unspecified",
        command=action.command,
        risk=action.risk,
        rollback=action.rollback,
        reason=f"Recommended by the {case.ref} diagnosis",
    )
    return propose(ctx, rt, case, proposal, user_id, f"recommended:{delivery_key}")


def propose_action(
    case_id: int, user_id: str, action: str, target: str, parameters_json: str, reason: str, delivery_key: str
) -> dict[str, Any]:
    """An engineer's own proposal (`@FaultMaven run …` or the modal); command templates give the command."""
    ctx, rt = action_runtime()
    ctx.cases.claim_job(f"propose_action:{delivery_key}")
    case = ctx.cases.get(int(case_id))
    if case is None:
        return {"status": "missing", "case_id": case_id}
    parameters = {str(k): str(v) for k, v in json.loads(parameters_json or "{}").items()}
    refusal = credential_refusal(parameters)
    if refusal is not None:  # intake refuses these too; an older outbox entry may still carry one
        say_privately(ctx, case.channel_id, user_id, refusal, case.root_ts)
        return {"status": "refused", "case": case.ref}
    # `rollback=…` is the proposer's rollback plan, not a parameter of the action.
    rollback_plan = parameters.pop("rollback", "")
    template = rt.policy.commands.get(action)
    proposal = ActionDraft(
        action=action,
        target=target,
        parameters=parameters,
        reason=reason,
        # Hand-typed actions are treated as risky unless a policy rule says otherwise.
        risk=RiskLevel.HIGH,
        command=" ".join(template.argv) if template else "",
        rollback=(template.rollback if template and template.rollback else "") or rollback_plan,
    )
    return propose(ctx, rt, case, proposal, user_id, f"custom:{delivery_key}")
