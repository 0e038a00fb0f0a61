"""'Did these runbooks help?': asked once on a resolved case that had suggestions; one vote per person.

The votes are the only thing that moves a runbook's used/worked counters: a View or a Share is
curiosity, not a use, and counting it would turn "worked 7/8 times" into "worked 7 of 8 looks" and
lower the search boost of runbooks people merely opened.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks.runbook_feedback import (
    FEEDBACK_TEXT,
    FeedbackLine,
    build_runbook_feedback_blocks,
    parse_feedback_value,
)
from engine.models import CaseStatus
from jobs.audit.runtime import record_audit
from jobs.learning.outcomes import refresh_outcome
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext, current_context
from jobs.submission import claim_outbox
from storage.models import Case
from storage.runbook_feedback import (
    POSTING,
    RunbookFeedbackRepository,
    Tally,
    VoteOutcome,
    prompt_runbook_ids,
)
from storage.runbook_models import RunbookFeedbackPromptRow

log = logging.getLogger(__name__)

MAX_ASKED = 3
VERDICTS = {True: "✅ worked", False: "❌ didn't help"}


def _feedback(library: RunbookLibrary) -> RunbookFeedbackRepository:
    return RunbookFeedbackRepository(library.repo.sessions)


def _render(
    library: RunbookLibrary, feedback: RunbookFeedbackRepository, prompt: RunbookFeedbackPromptRow
) -> list[Block]:
    tallies = feedback.tallies(prompt.case_id)
    lines = []
    for runbook_id in prompt_runbook_ids(prompt):
        runbook = library.get(runbook_id)
        if runbook is not None:
            tally = tallies.get(runbook_id, Tally())
            lines.append(FeedbackLine(runbook=runbook, worked=tally.worked, failed=tally.failed))
    return build_runbook_feedback_blocks(prompt.case_id, lines)


def ask_for_runbook_feedback(ctx: JobContext, case_id: int) -> str | None:
    """Post the question once in a resolved case's thread, if runbooks were suggested there; its ts."""
    case: Case | None = ctx.cases.get(case_id)
    if ctx.runbooks is None or case is None or case.root_ts is None:
        return None
    if case.status != CaseStatus.RESOLVED.value:
        return None
    feedback = _feedback(ctx.runbooks)
    prompt = feedback.ensure_prompt(case.id, case.channel_id, case.root_ts, limit=MAX_ASKED)
    if prompt is None:
        return None
    # Resolving in Slack and the source's own "resolved" both lead here, maybe in two workers at once.
    if not feedback.claim_prompt(prompt.id):
        return prompt.message_ts
    try:
        resp = ctx.slack.chat_postMessage(
            channel=prompt.channel_id,
            thread_ts=prompt.thread_ts,
            text=FEEDBACK_TEXT,
            blocks=_render(ctx.runbooks, feedback, prompt),
        )
    except Exception:
        feedback.set_prompt_ts(prompt.id, None)  # give the claim back so RQ's retry can post it
        raise
    feedback.set_prompt_ts(prompt.id, str(resp["ts"]))
    log.info("runbook feedback asked", extra={"case": case.ref, "runbooks": prompt.runbook_ids_json})
    return str(resp["ts"])


def record_runbook_vote(
    channel_id: str, user_id: str, value: str, worked: bool, outbox_key: str = ""
) -> dict[str, Any]:
    """Count a ✅ / ❌ click (one per person per case and runbook) and update the tallies in place."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    library, feedback = ctx.runbooks, _feedback(ctx.runbooks)
    parsed = parse_feedback_value(value)
    prompt = feedback.get_prompt(parsed[0]) if parsed else None

    def refuse(text: str, status: str) -> dict[str, Any]:
        in_thread = prompt is not None and channel_id in ("", prompt.channel_id)
        ctx.slack.chat_postEphemeral(
            channel=channel_id or (prompt.channel_id if prompt else ""),
            user=user_id,
            text=text,
            thread_ts=prompt.thread_ts if prompt is not None and in_thread else None,
        )
        log.info("runbook vote refused", extra={"status": status, "user": user_id})
        return {"status": status}

    if parsed is None:
        return refuse(
            "I couldn't tell which runbook that vote was for, so I didn't count it. "
            "Please use the ✅ / ❌ buttons under “Did these runbooks help?” in the case thread.",
            "invalid",
        )
    case_id, runbook_id = parsed
    if prompt is None or prompt.message_ts is None or prompt.message_ts == POSTING:
        return refuse(
            f"I haven't asked for runbook feedback on FM-{case_id}, so there is nothing to vote on there.",
            "no prompt",
        )
    if channel_id and channel_id != prompt.channel_id:
        return refuse("That vote didn't come from the case's thread, so I didn't count it.", "wrong channel")
    if runbook_id not in prompt_runbook_ids(prompt):
        return refuse(
            f"RB-{runbook_id:04d} wasn't suggested on FM-{case_id}, so I can't count a vote for it there.",
            "not suggested",
        )
    outcome = feedback.record_vote(case_id, runbook_id, user_id, worked)
    if outcome is VoteOutcome.UNKNOWN_RUNBOOK:
        return refuse(
            f"RB-{runbook_id:04d} no longer exists, so I couldn't count your vote.", "unknown runbook"
        )
    record_audit(
        ctx,
        "runbook_feedback",
        case_id=case_id,
        actor=user_id,
        data={"runbook": f"RB-{runbook_id:04d}", "worked": worked, "outcome": outcome.value},
        event_key=f"runbook_feedback:{case_id}:{runbook_id}:{user_id}:{int(worked)}",
    )
    refresh_outcome(ctx, case_id)  # a vote after resolution changes how the case was resolved
    # Always re-render, even for an unchanged vote: a retry after a failed update must still show it.
    ctx.slack.chat_update(
        channel=prompt.channel_id,
        ts=prompt.message_ts,
        text=FEEDBACK_TEXT,
        blocks=_render(library, feedback, prompt),
    )
    if outcome is VoteOutcome.CHANGED:
        ctx.slack.chat_postEphemeral(
            channel=prompt.channel_id,
            user=user_id,
            text=f"Changed your vote on RB-{runbook_id:04d} to {VERDICTS[worked]}.",
            thread_ts=prompt.thread_ts,
        )
    log.info("runbook vote", extra={"case_id": case_id, "runbook_id": runbook_id, "outcome": outcome.value})
    return {"status": outcome.value, "case_id": case_id, "runbook_id": runbook_id}
