"""Ask "how was it resolved?" when nothing in the case said, and record the answer."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.outcome_question import (
    ANSWERS,
    build_level_answered_blocks,
    build_level_question_blocks,
    level_question_text,
)
from jobs.audit.runtime import record_audit
from jobs.cases.thread_messages import post_case_message_once
from jobs.learning.outcomes import refresh_outcome
from jobs.runtime import JobContext, current_context
from storage.models import Case

log = logging.getLogger(__name__)


def ask_how_it_was_resolved(ctx: JobContext, case: Case) -> str | None:
    """Post the question once, only when the level is a guess and no runbook vote can settle it later."""
    learning = ctx.learning
    outcome = learning.outcomes.for_case(case.id) if learning else None
    if learning is None or outcome is None or case.root_ts is None:
        return None
    if outcome.inferred or outcome.stated_level or outcome.question_ts or learning.facts.runbooks(case.id):
        return None
    posted = post_case_message_once(
        ctx.slack,
        case.channel_id,
        case.id,
        "level_question",
        thread_ts=case.root_ts,
        text=level_question_text(case.ref),
        blocks=build_level_question_blocks(case.ref, case.id),
    )
    learning.outcomes.set_question(case.id, posted)
    return posted


def record_resolution_level(case_id: int, level: str, user_id: str, channel_id: str) -> dict[str, Any]:
    """Apply the answer (the latest click wins), re-derive the figures, and show it on the question."""
    ctx = current_context()
    learning = ctx.learning
    outcome = learning.outcomes.for_case(int(case_id)) if learning else None
    if learning is None or outcome is None or level not in ANSWERS or outcome.channel_id != channel_id:
        return {"status": "ignored", "case_id": case_id}
    learning.outcomes.state_level(outcome.case_id, level)
    refresh_outcome(ctx, outcome.case_id)
    if outcome.question_ts:
        ref = f"FM-{outcome.case_id}"
        ctx.slack.chat_update(
            channel=outcome.channel_id,
            ts=outcome.question_ts,
            text=level_question_text(ref),
            blocks=build_level_answered_blocks(ref, level, user_id),
        )
    record_audit(
        ctx,
        "resolution_level_stated",
        case_id=outcome.case_id,
        actor=user_id,
        data={"level": level},
        event_key=f"resolution_level_stated:{outcome.case_id}:{user_id}:{level}",
    )
    return {"status": "recorded", "case_id": outcome.case_id, "level": level}
