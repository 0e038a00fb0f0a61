"""Running approved actions through an executor, verifying them, and rolling them back."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.blocks.action_results import action_outcome_text, build_action_outcome_blocks
from engine.actions.executors import ExecutionRequest, ExecutionResult, ExecutorUnavailable, follow_up_request
from engine.approvals.votes import ProposalStatus
from engine.models import RiskLevel
from jobs.actions.cards import outcome_of, parameters_of, render_card, request_of, rollback_runs
from jobs.actions.proposals import (
    ActionDraft,
    action_runtime,
    clicked_proposal,
    propose,
    say_in_thread,
    say_privately,
)
from jobs.actions.requests import fix_answer_key, rollback_key
from jobs.actions.runtime import ActionRuntime
from jobs.audit.runtime import record_audit
from jobs.learning.outcomes import refresh_outcome
from jobs.runtime import JobContext
from jobs.workspaces.team import team_job
from storage.action_models import ActionExecutionRow, ActionProposalRow
from storage.actions import NewExecution
from storage.models import as_utc

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


def _run(rt: ActionRuntime, request: ExecutionRequest) -> ExecutionResult:
    executor = rt.executors.pick(request)
    if executor is not None:
        return executor.execute(request)
    what = f"`{request.command}`" if request.command else request.action
    if request.dry_run:
        summary = f"Dry run: no executor is configured for this action, so nothing would run ({what})."
        return ExecutionResult(ok=True, executor="none", dry_run=True, summary=summary)
    summary = (
        f"No executor is configured for this action: run {what} by hand and say in the thread how it went "
        "(or set FAULTMAVEN_ACTION_WEBHOOK_URL / add a command template to the policy)."
    )
    return ExecutionResult(ok=False, executor="none", dry_run=False, summary=summary)


def _can_roll_back(rt: ActionRuntime, row: ActionProposalRow) -> bool:
    template = rt.policy.commands.get(row.action)
    # Prose ("n/a (clients reconnect)") is guidance for people, never something to "run".
    return bool(rollback_runs(row.rollback, rt.policy) or (template is not None and template.rollback))


def _verify(rt: ActionRuntime, row: ActionProposalRow, request: ExecutionRequest) -> str | None:
    """Re-check the symptom when the action's command template defines a check; None means ask people."""
    template = rt.policy.commands.get(row.action)
    if template is None or not template.verify or request.dry_run or row.purpose != "execute":
        return None
    result = _run(rt, follow_up_request(request, "verify", idempotency_key=f"fm-{row.id}-verify"))
    return "check_passed" if result.ok else "check_failed"


def execute_action(proposal_id: int, attempt: int = 0) -> dict[str, Any]:
    """Run an approved action once (idempotent), record the change, report it, then verify it."""
    ctx, rt = action_runtime()
    row = rt.repo.get(int(proposal_id))
    if row is None:
        return {"status": "missing", "proposal_id": proposal_id}
    ctx.cases.claim_job(f"execute_action:{row.id}:{attempt}")
    if row.status == ProposalStatus.APPROVED.value:
        rt.repo.transition(row.id, (ProposalStatus.APPROVED.value,), ProposalStatus.RUNNING.value)
    elif row.status != ProposalStatus.RUNNING.value:
        # Only an approved request ever reaches an executor; anything else is a stale or forged job.
        return {"status": f"not runnable ({row.status})", "proposal_id": row.id}
    case = ctx.cases.get(row.case_id)
    case_ref = case.ref if case else f"FM-{row.case_id}"
    approvals = [v.voter for v in rt.repo.votes(row.id) if v.kind == "approve"]
    request = request_of(row, case_ref, approvals, rt.dry_run)
    existing = [e for e in rt.repo.executions(row.id) if e.purpose == request.purpose]
    if existing:
        execution = existing[0]
    else:
        try:
            result = _run(rt, request)
        except ExecutorUnavailable as error:
            return _retry_later(ctx, rt, row, attempt, str(error))
        execution, _ = rt.repo.record_execution(
            NewExecution(
                proposal_id=row.id,
                idempotency_key=request.idempotency_key,
                purpose=request.purpose,
                executor=result.executor,
                dry_run=result.dry_run,
                ok=result.ok,
                summary=result.summary,
                output=result.output,
                status_code=result.status_code,
                details=result.details,
                rollback=row.rollback,
            )
        )
    final = ProposalStatus.SUCCEEDED if execution.ok else ProposalStatus.FAILED
    rt.repo.transition(row.id, (ProposalStatus.RUNNING.value,), final.value)
    record_audit(
        ctx,
        "action_executed",
        case_id=row.case_id,
        actor=execution.executor,
        data={
            "proposal_id": row.id,
            "purpose": execution.purpose,
            "ok": execution.ok,
            "dry_run": execution.dry_run,
            "summary": execution.summary,
            "status_code": execution.status_code,
            "rollback": execution.rollback,
        },
        event_key=f"action_executed:{row.id}",
    )
    if execution.ok and row.verified is None:
        verdict = _verify(rt, row, request)
        if verdict is not None:
            rt.repo.set_fields(row.id, verified=verdict)
            record_audit(
                ctx,
                "action_verified",
                case_id=row.case_id,
                actor="check",
                data={"proposal_id": row.id, "result": verdict},
                event_key=f"action_verified:{row.id}",
            )
    if row.purpose == "rollback" and execution.ok and row.parent_id is not None:
        _mark_rolled_back(ctx, rt, row.parent_id, case_ref)
    current = rt.repo.get(row.id) or row
    render_card(ctx, rt, current, case_ref)
    _post_outcome(ctx, rt, current, case_ref, execution)
    return {"status": final.value, "proposal_id": row.id, "executor": execution.executor}


def _post_outcome(
    ctx: JobContext, rt: ActionRuntime, row: ActionProposalRow, case_ref: str, execution: ActionExecutionRow
) -> None:
    # Asked after a dry run too, so the whole flow can be tried before execution is turned on.
    ask = execution.ok and row.purpose == "execute"
    outcome = outcome_of(row, case_ref, execution, _can_roll_back(rt, row), ask_if_fixed=ask)
    blocks = build_action_outcome_blocks(outcome, now=rt.clock())
    if row.result_ts is None:
        resp = ctx.slack.chat_postMessage(
            channel=row.channel_id, thread_ts=row.thread_ts, text=action_outcome_text(outcome), blocks=blocks
        )
        rt.repo.set_fields(row.id, result_ts=str(resp["ts"]))
    else:
        ctx.slack.chat_update(
            channel=row.channel_id, ts=row.result_ts, text=action_outcome_text(outcome), blocks=blocks
        )


def _retry_later(
    ctx: JobContext, rt: ActionRuntime, row: ActionProposalRow, attempt: int, error: str
) -> dict[str, Any]:
    """The automation endpoint is down: try again with backoff; after the last attempt say so plainly."""
    if attempt + 1 >= rt.max_attempts:
        rt.repo.transition(row.id, (ProposalStatus.RUNNING.value,), ProposalStatus.FAILED.value)
        say_in_thread(
            ctx,
            row,
            f"❌ Request #{row.id} could not reach its executor after {rt.max_attempts} attempts "
            f"({error}). Nothing ran; run it by hand or propose it again.",
        )
        record_audit(
            ctx,
            "action_result",
            case_id=row.case_id,
            actor="executor",
            data={"proposal_id": row.id, "ok": False, "summary": f"gave up: {error}"},
            event_key=f"action_gave_up:{row.id}",
        )
        return {"status": "gave up", "proposal_id": row.id}
    delay = min(timedelta(seconds=5 * 2**attempt), MAX_BACKOFF)
    job = team_job(f"execute_action:{row.id}:{attempt + 1}", "execute_action", [row.id, attempt + 1])
    rt.repo.record_request(job)
    rt.queue.enqueue_later(job, rt.clock() + delay)
    if attempt == 0:
        say_in_thread(ctx, row, f"⏳ Request #{row.id}: the executor is unavailable ({error}); retrying.")
    return {"status": "retrying", "proposal_id": row.id, "attempt": attempt + 1}


def _mark_rolled_back(ctx: JobContext, rt: ActionRuntime, parent_id: int, case_ref: str) -> None:
    parent = rt.repo.get(parent_id)
    if parent is None:
        return
    rt.repo.transition(
        parent.id, (ProposalStatus.SUCCEEDED.value, ProposalStatus.FAILED.value), ProposalStatus.UNDONE.value
    )
    rt.repo.set_fields(parent.id, verified="rolled_back")
    record_audit(
        ctx,
        "action_rolled_back",
        case_id=parent.case_id,
        actor="executor",
        data={"proposal_id": parent.id},
        event_key=f"action_rolled_back:{parent.id}",
    )
    parent = rt.repo.get(parent.id) or parent
    render_card(ctx, rt, parent, case_ref)
    done = [e for e in rt.repo.executions(parent.id) if e.purpose == "execute"]
    if done and parent.result_ts:
        _post_outcome(ctx, rt, parent, case_ref, done[0])


def propose_rollback(
    proposal_id: int, user_id: str, channel_id: str, message_ts: str, undo: int, click_ts: str = ""
) -> dict[str, Any]:
    """Roll back (or Undo) an executed action: a new request, itself subject to the policy."""
    ctx, rt = action_runtime()
    ctx.cases.claim_job(rollback_key(proposal_id, user_id, message_ts, click_ts))
    row = clicked_proposal(ctx, rt, proposal_id, user_id, channel_id, message_ts, on="result")
    if row is None:
        return {"status": "forged", "proposal_id": proposal_id}
    if row.status not in (ProposalStatus.SUCCEEDED.value, ProposalStatus.FAILED.value) or not _can_roll_back(
        rt, row
    ):
        say_privately(
            ctx,
            channel_id,
            user_id,
            f"Request #{row.id} has nothing to roll back ({row.status}).",
            row.thread_ts,
        )
        return {"status": "nothing to roll back", "proposal_id": row.id}
    case = ctx.cases.get(row.case_id)
    if case is None:
        return {"status": "missing", "proposal_id": row.id}
    template = rt.policy.commands.get(row.action)
    new = ActionDraft(
        # The executor gets the original action with purpose "rollback" (a template knows its rollback);
        # the policy judges the rollback itself.
        action=row.action,
        policy_subject=template.rollback if template and template.rollback else f"roll back {row.action}",
        target=row.target,
        parameters=parameters_of(row),
        command=row.rollback,
        risk=RiskLevel(row.risk),
        reason=f"Undo of request #{row.id}" if undo else f"Roll back request #{row.id}",
        purpose="rollback",
        parent_id=row.id,
    )
    done = [e for e in rt.repo.executions(row.id) if e.purpose == "execute"]
    ran_at = as_utc(done[0].created_at) if done else None
    if undo and ran_at is not None and rt.clock() > ran_at + timedelta(seconds=row.undo_seconds):
        say_privately(
            ctx,
            channel_id,
            user_id,
            "The Undo window has closed, so this is proposed as a normal rollback under the policy.",
            row.thread_ts,
        )
    return propose(ctx, rt, case, new, user_id, f"rollback:{row.id}")


def record_fix_answer(
    proposal_id: int, user_id: str, fixed: int, channel_id: str, message_ts: str, click_ts: str = ""
) -> dict[str, Any]:
    """Record the answer to "did it fix it?"; the latest answer is kept and shown on the result message."""
    ctx, rt = action_runtime()
    ctx.cases.claim_job(fix_answer_key(proposal_id, user_id, fixed, message_ts, click_ts))
    row = clicked_proposal(ctx, rt, proposal_id, user_id, channel_id, message_ts, on="result")
    if row is None:
        return {"status": "forged", "proposal_id": proposal_id}
    verdict = "fixed" if fixed else "not_fixed"
    rt.repo.set_fields(row.id, verified=verdict)
    record_audit(
        ctx,
        "action_verified",
        case_id=row.case_id,
        actor=user_id,
        data={"proposal_id": row.id, "result": verdict},
        event_key=f"action_verified:{row.id}:{user_id}:{verdict}",
    )
    refresh_outcome(ctx, row.case_id)  # "did it fix it?" answered after resolution changes the level
    case = ctx.cases.get(row.case_id)
    done = [e for e in rt.repo.executions(row.id) if e.purpose == "execute"]
    if done:
        _post_outcome(ctx, rt, rt.repo.get(row.id) or row, case.ref if case else f"FM-{row.case_id}", done[0])
    say_in_thread(
        ctx,
        row,
        f"👍 <@{user_id}>: request #{row.id} fixed it."
        if fixed
        else f"👎 <@{user_id}>: request #{row.id} did not fix it.",
    )
    return {"status": verdict, "proposal_id": row.id}
