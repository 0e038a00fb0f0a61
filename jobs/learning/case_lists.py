"""Jobs answering `/faultmaven list [all]` and `/faultmaven status FM-12` ephemerally, with thread links."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.case_lists import (
    CaseLine,
    CaseListView,
    CaseStatusView,
    build_case_list_blocks,
    build_case_status_blocks,
)
from engine.models import CaseStatus, Diagnosis
from jobs.learning.memory import thread_link
from jobs.learning.runtime import LearningRuntime
from jobs.runtime import JobContext, current_context
from storage.case_history import LIST_LIMIT
from storage.models import Case, as_utc, utcnow

log = logging.getLogger(__name__)


def _learning(ctx: JobContext) -> LearningRuntime:
    if ctx.learning is None:
        raise RuntimeError("no learning runtime in the JobContext: start jobs through `faultmaven worker`")
    return ctx.learning


def case_line(ctx: JobContext, case: Case) -> CaseLine:
    """One case as a list line, with a link to its thread when it has one."""
    return CaseLine(
        ref=case.ref,
        title=case.title,
        status=case.status,
        severity=case.severity,
        service=case.service,
        channel_id=case.channel_id,
        link=thread_link(ctx, case.channel_id, case.root_ts),
        age_s=max(0, int((utcnow() - as_utc(case.created_at)).total_seconds())),
    )


def list_open_cases(channel_id: str, user_id: str, all_channels: int) -> dict[str, Any]:
    """Open cases in the channel (or everywhere), newest first, answered only to the asker."""
    ctx = current_context()
    found = _learning(ctx).history.open_cases(
        CaseStatus.RESOLVED.value, None if all_channels else channel_id, LIST_LIMIT
    )
    view = CaseListView(
        lines=[case_line(ctx, c) for c in found[:LIST_LIMIT]],
        all_channels=bool(all_channels),
        channel_id=channel_id,
        more=len(found) > LIST_LIMIT,
    )
    ctx.slack.chat_postEphemeral(
        channel=channel_id,
        user=user_id,
        text=f"{len(view.lines)} open cases",
        blocks=build_case_list_blocks(view),
    )
    return {"cases": [line.ref for line in view.lines]}


def show_case_status(channel_id: str, user_id: str, case_id: int) -> dict[str, Any]:
    """One case's status, diagnosis and outcome, answered only to the asker."""
    ctx = current_context()
    case = ctx.cases.get(int(case_id))
    if case is None:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=f"There is no case FM-{case_id}.")
        return {"status": "missing", "case_id": case_id}
    outcome = _learning(ctx).history.outcome(case.id) if case.status == CaseStatus.RESOLVED.value else None
    diagnosis = Diagnosis.model_validate_json(case.diagnosis_json).summary if case.diagnosis_json else None
    view = CaseStatusView(
        case=case_line(ctx, case),
        reporter_id=case.reporter_id,
        diagnosis=diagnosis,
        level=outcome.level if outcome else None,
        resolved_in_s=outcome.time_to_resolution_s if outcome else None,
        stated_fix=outcome.stated_fix if outcome else None,
    )
    ctx.slack.chat_postEphemeral(
        channel=channel_id,
        user=user_id,
        text=f"{case.ref}: {case.status}",
        blocks=build_case_status_blocks(view),
    )
    return {"case": case.ref, "status": case.status}
