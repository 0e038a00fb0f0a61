"""Keeping a case thread quiet: which messages get an answer, a 👀, or nothing, and reopening.

`jobs.cases.diagnosis.answer_in_thread` asks these helpers before and after it re-diagnoses: chatter gets no
post, evidence that moves nothing gets a 👀 on the message, a resolved case is not re-diagnosed
until someone says `@FaultMaven reopen`, and a newer diagnosis retires the older one's Run… buttons.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.superseded import build_superseded_blocks
from engine.models import CaseStatus
from engine.replies.triage import ReplyVerdict, is_reopen_request
from jobs.audit.runtime import record_audit
from jobs.runtime import JobContext
from storage.models import Case, CaseMessage

log = logging.getLogger(__name__)

SEEN_REACTION = "eyes"


def triage_message(ctx: JobContext, message: CaseMessage) -> ReplyVerdict:
    """Does this message need an updated diagnosis? (Rules plus the sentence model, in engine.)"""
    return ctx.reply_triage.classify(message.text, addressed=message.addressed)


def asks_to_reopen(message: CaseMessage) -> bool:
    """`@FaultMaven reopen` (the mention is required: "we may have to reopen this" is talk)."""
    return message.addressed and is_reopen_request(message.text)


def audit_thread_message(ctx: JobContext, case: Case, message: CaseMessage, verdict: str) -> None:
    """Every human message goes into the audit trail, with what the worker made of it."""
    record_audit(
        ctx,
        "message",
        case_id=case.id,
        actor=message.author_id,
        data={"text": message.text, "slack_ts": message.slack_ts, "verdict": verdict},
        event_key=f"message:{message.id}",
    )


def react_seen(ctx: JobContext, case: Case, message: CaseMessage) -> None:
    """Put 👀 on the message: read as evidence, but it moved nothing worth a post."""
    try:
        ctx.slack.reactions_add(channel=case.channel_id, timestamp=message.slack_ts, name=SEEN_REACTION)
    except SlackApiError as error:
        if error.response.get("error") != "already_reacted":  # a re-run of this job
            raise


def reopen_case(ctx: JobContext, case: Case, message: CaseMessage) -> None:
    """Back to investigating, said once in the thread and audited like other state changes."""
    if message.reply_ts is None and case.root_ts is not None:
        resp = ctx.slack.chat_postMessage(
            channel=case.channel_id,
            thread_ts=case.root_ts,
            text=f"🔄 Reopened by <@{message.author_id}>: investigating again. "
            "Reply here with what you see and I'll update the diagnosis.",
        )
        ctx.cases.set_reply_ts(message.id, str(resp["ts"]))
    ctx.cases.update_case(case.id, status=CaseStatus.INVESTIGATING.value)
    record_audit(
        ctx,
        "case_reopened",
        case_id=case.id,
        actor=message.author_id,
        data={"status_before": case.status, "status": CaseStatus.INVESTIGATING.value},
        event_key=f"case_reopened:{message.id}",
    )
    log.info("case reopened", extra={"case": case.ref, "message_id": message.id})


def current_diagnosis_ts(case: Case, before_message_id: int) -> str | None:
    """The ts of the newest diagnosis posted before this message: the last answered reply, else the first."""
    for earlier in reversed(case.messages):
        if earlier.id >= before_message_id or earlier.from_bot or earlier.reply_ts is None:
            continue
        if asks_to_reopen(earlier):
            continue  # its reply is the "Reopened" line, not a diagnosis
        return earlier.reply_ts
    return case.progress_ts


def retire_run_buttons(ctx: JobContext, case: Case, diagnosis_ts: str) -> None:
    """Update a superseded diagnosis in place without its Run… buttons (only the newest offers them)."""
    if case.root_ts is None:
        return
    resp = ctx.slack.conversations_replies(
        channel=case.channel_id, ts=case.root_ts, oldest=diagnosis_ts, latest=diagnosis_ts, inclusive=True
    )
    messages: list[dict[str, Any]] = resp.get("messages") or []
    posted = next((m for m in messages if m.get("ts") == diagnosis_ts), None)
    if posted is None:
        log.warning("superseded diagnosis not found", extra={"case": case.ref, "ts": diagnosis_ts})
        return
    ctx.slack.chat_update(
        channel=case.channel_id,
        ts=diagnosis_ts,
        text=str(posted.get("text", "")),
        blocks=build_superseded_blocks(posted.get("blocks") or []),
    )
