"""When a case resolves, its requests still waiting for approval are withdrawn, with a line in the thread."""

from __future__ import annotations

import logging

from engine.approvals.votes import ProposalStatus
from jobs.actions.cards import render_card
from jobs.actions.proposals import say_in_thread
from jobs.audit.runtime import record_audit
from jobs.runtime import JobContext
from storage.models import Case

log = logging.getLogger(__name__)


def withdraw_pending_requests(ctx: JobContext, case: Case) -> list[int]:
    """Withdraw every pending request of a resolved case; returns the ids withdrawn (idempotent)."""
    rt = ctx.actions
    if rt is None:
        return []  # a process without the action runtime has no requests to withdraw
    withdrawn: list[int] = []
    for row in rt.repo.for_case(case.id):
        if row.status != ProposalStatus.PENDING.value:
            continue
        # Conditional: a vote or the expiry job that lands first keeps its decision.
        if not rt.repo.transition(
            row.id, (ProposalStatus.PENDING.value,), ProposalStatus.WITHDRAWN.value, by="case resolved"
        ):
            continue
        withdrawn.append(row.id)
        record_audit(
            ctx,
            "action_withdrawn",
            case_id=case.id,
            actor="case resolved",
            data={"proposal_id": row.id},
            event_key=f"action_withdrawn:{row.id}",
        )
        render_card(ctx, rt, rt.repo.get(row.id) or row, case.ref)
        say_in_thread(
            ctx,
            row,
            f"↩️ Request #{row.id} ({row.action} on {row.target}) was withdrawn: {case.ref} is resolved, "
            "so it will not run.",
        )
    if withdrawn:
        log.info("pending requests withdrawn", extra={"case": case.ref, "proposals": withdrawn})
    return withdrawn
