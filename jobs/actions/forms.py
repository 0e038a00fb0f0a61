"""Run… on a recommended action: the pre-filled form (read inside the click handler, which has 3 s to open
it) and the job that proposes what the person submitted."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field
from redis.exceptions import RedisError

from bot.blocks.run_action import RunActionForm
from engine.actions.credentials import credential_refusal
from engine.approvals.command_effects import is_executable
from engine.approvals.policy import ApprovalLevel, ApprovalPolicy
from engine.case_facts import (
    CaseFacts,
    extract_case_facts,
    fill_placeholders,
    fill_values,
    unfilled_placeholders,
)
from jobs.actions.proposals import ActionDraft, action_runtime, find_recommended, propose, say_privately
from jobs.queue import JobQueue
from jobs.workspaces.team import current_team, team_job
from storage.actions import ActionRepository
from storage.cases import CaseRepository
from storage.models import Case

log = logging.getLogger(__name__)


def case_facts_of(case: Case, channel_environments: dict[str, str]) -> CaseFacts:
    """What the case's Service field, report text (alert labels included) and channel say about it."""
    return extract_case_facts(
        case.service, [case.title, case.description], channel_environments.get(case.channel_id)
    )


class RunActionSubmission(BaseModel):
    """The Run… modal as submitted, placeholders already filled from its parameters."""

    case_id: int
    key: str
    channel_id: str
    user_id: str
    command: str
    target: str
    parameters: dict[str, str] = Field(default_factory=dict)
    reason: str = ""
    delivery: str


class RunFormEdits(BaseModel):
    """What is in the Run… modal while someone edits it (placeholders may still be in the text)."""

    command: str
    target: str
    parameters: dict[str, str] = Field(default_factory=dict)


class RunActionForms:
    """Handler side: a primary-key read and pure logic for the modal; an outbox row and enqueue on submit."""

    def __init__(
        self,
        queue: JobQueue,
        repo: ActionRepository,
        cases: CaseRepository,
        policy: ApprovalPolicy,
        channel_environments: dict[str, str],
        oncall_groups: dict[str, str],
    ) -> None:
        self.queue = queue
        self.repo = repo
        self.cases = cases
        self.policy = policy
        self.channel_environments = channel_environments
        self.oncall_groups = oncall_groups

    def form(
        self, case_id: int, key: str, channel_id: str, edits: RunFormEdits | None = None
    ) -> RunActionForm | str:
        """The modal's content, or why there is none; with `edits`, the decision is for what was typed."""
        case = self.cases.scoped(current_team()).get(case_id)
        if case is None or case.channel_id != channel_id:
            return "That button does not belong to a case in this channel."
        action = find_recommended(case, key)
        if action is None:
            return (
                "That action is no longer in the latest diagnosis. Propose it yourself with "
                "`@FaultMaven run <action> <target>` in the thread."
            )
        facts = case_facts_of(case, self.channel_environments)
        command = fill_placeholders(action.command, facts)
        target = fill_placeholders(action.target or case.service or "", facts)
        rollback = fill_placeholders(action.rollback, facts)
        parameters = {name.strip("<>"): "" for name in unfilled_placeholders(f"{command}\n{target}")}
        if edits is not None:
            command, target, parameters = edits.command, edits.target, edits.parameters
        decision = self.policy.decide(
            "",
            fill_values(target, parameters),
            action.risk,
            fill_values(command, parameters),
            facts.environment,
        )
        approvers = list(decision.approvers)
        group = self.oncall_groups.get(channel_id) or self.oncall_groups.get("*")
        if not approvers and decision.level is ApprovalLevel.HARD and group:
            approvers = [group]
        return RunActionForm(
            case_id=case.id,
            case_ref=case.ref,
            key=key,
            channel_id=channel_id,
            title=action.title,
            command=command,
            target=target,
            parameters=parameters,
            rollback=rollback,
            rollback_runnable=is_executable(rollback),
            risk=action.risk.value,
            environment=facts.environment,
            policy=decision.describe(),
            approvers=approvers,
        )

    def submit(self, submission: RunActionSubmission) -> bool:
        """Record the proposal request in the outbox, then enqueue it (a Redis outage loses nothing)."""
        job = team_job(
            f"propose_submitted_action:{submission.delivery}",
            "propose_submitted_action",
            [submission.model_dump_json()],
        )
        if not self.repo.record_request(job):
            return False  # the same submission delivered twice
        try:
            self.queue.enqueue(job, fresh=True)
        except RedisError:
            log.warning("redis unavailable, job left in outbox", extra={"job_key": job.job_key})
        return True


def propose_submitted_action(submission_json: str) -> dict[str, Any]:
    """Propose the command and target a person confirmed in the Run… modal, under the policy."""
    ctx, rt = action_runtime()
    submitted = RunActionSubmission.model_validate_json(submission_json)
    ctx.cases.claim_job(f"propose_submitted_action:{submitted.delivery}")
    case = ctx.cases.get(submitted.case_id)
    if case is None or case.channel_id != submitted.channel_id:
        return {"status": "forged", "case_id": submitted.case_id}
    action = find_recommended(case, submitted.key)
    unfilled = unfilled_placeholders(f"{submitted.command}\n{submitted.target}")
    refusal = credential_refusal(submitted.parameters)
    if action is None or unfilled or refusal:
        why = refusal or (
            f"Fill in {', '.join(unfilled)} first."
            if unfilled
            else "That action is no longer in the latest diagnosis."
        )
        say_privately(ctx, case.channel_id, submitted.user_id, why, case.root_ts)
        return {"status": "refused", "case": case.ref}
    facts = case_facts_of(case, rt.channel_environments)
    rollback = fill_placeholders(action.rollback, facts)
    for name, value in submitted.parameters.items():
        rollback = rollback.replace(f"<{name}>", value) if value else rollback
    draft = ActionDraft(
        action=action.title,
        # The title is shown, never judged: the policy reads the command and the target.
        policy_subject="",
        target=submitted.target,
        command=submitted.command,
        parameters=submitted.parameters,
        risk=action.risk,
        rollback=rollback,
        reason=submitted.reason or f"Recommended by the {case.ref} diagnosis",
    )
    return propose(ctx, rt, case, draft, submitted.user_id, f"submitted:{submitted.delivery}")
