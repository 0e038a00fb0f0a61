"""Case jobs: open the thread and diagnose; answer each reply with the whole history in mind."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.case import CaseCard, build_case_root_blocks, build_progress_blocks, case_root_text
from bot.blocks.diagnosis import build_diagnosis_blocks, build_followup_blocks, diagnosis_text
from bot.blocks.memory import build_memory_blocks
from engine.case_facts import CaseFacts
from engine.changes import shows_nothing_new
from engine.models import CaseContext, CaseStatus, Diagnosis, Severity, Turn
from engine.redaction import MARKER_PREFIX
from engine.reports import is_long_paste
from jobs.actions.forms import case_facts_of
from jobs.audit.events import audit_case_diagnosed, audit_thread_turn
from jobs.cases.llm_usage import record_llm_usage
from jobs.cases.report_snippets import upload_report_snippet
from jobs.cases.thread_messages import post_case_message_once
from jobs.cases.thread_replies import (
    asks_to_reopen,
    audit_thread_message,
    current_diagnosis_ts,
    react_seen,
    reopen_case,
    retire_run_buttons,
    triage_message,
)
from jobs.learning.home_refresh import queue_home_refresh
from jobs.learning.known_fixes import known_fix_answer
from jobs.learning.memory import memory_view, past_case_notes, recall_past_cases
from jobs.runbooks.suggestions import post_suggestions
from jobs.runtime import JobContext, current_context
from storage.models import Case, as_utc

log = logging.getLogger(__name__)

MASKED_NOTICE = (
    "🔒 Your message contained what looks like a secret (a token, key or password). "
    "FaultMaven masked it before storing or showing anything; consider rotating it."
)
# A slash command's reporter is told in its ack; alerts have no Slack reporter to tell.
_TOLD_FROM_JOB = {"mention", "modal"}


def tell_reporter_secrets_masked(ctx: JobContext, channel_id: str, user_id: str, thread_ts: str) -> None:
    """The once-only, private note that intake masked secrets in what this person sent."""
    ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, thread_ts=thread_ts, text=MASKED_NOTICE)


def case_card(case: Case) -> CaseCard:
    """The root-message view of a stored case."""
    diagnosis = Diagnosis.model_validate_json(case.diagnosis_json) if case.diagnosis_json else None
    return CaseCard(
        ref=case.ref,
        title=case.title,
        reporter_id=case.reporter_id,
        status=case.status,
        severity=case.severity,
        reported_severity=case.reported_severity,
        suggested_severity=diagnosis.severity.value if diagnosis else None,
        report=case.description,
        service=case.service,
        source=case.source,
        diagnosis_headline=diagnosis.summary if diagnosis else None,
    )


def case_facts(ctx: JobContext, case: Case) -> CaseFacts:
    """Names the case gives (service, namespace, database, environment…), to fill actions and checks."""
    return case_facts_of(case, ctx.actions.channel_environments if ctx.actions else {})


def case_context(case: Case, up_to_message_id: int | None = None) -> CaseContext:
    """What the engine reads: the report and the thread so far, oldest first."""
    turns = [
        Turn(author=m.author_id, text=m.text, from_bot=m.from_bot, at=m.created_at)
        for m in case.messages
        if up_to_message_id is None or m.id <= up_to_message_id
    ]
    previous = Diagnosis.model_validate_json(case.diagnosis_json) if case.diagnosis_json else None
    return CaseContext(
        case_ref=case.ref,
        title=case.title,
        description=case.description,
        service=case.service,
        reporter=case.reporter_id,
        reported_severity=Severity(case.reported_severity) if case.reported_severity else None,
        turns=turns,
        previous=previous,
    )


def _ensure_thread(ctx: JobContext, case: Case) -> tuple[str, str]:
    """Post the root and progress messages unless an earlier run already did (even one that died)."""
    root_ts = case.root_ts
    if root_ts is None:
        card = case_card(case)
        root_ts = post_case_message_once(
            ctx.slack,
            case.channel_id,
            case.id,
            "root",
            text=case_root_text(card),
            blocks=build_case_root_blocks(card),
        )
        ctx.cases.update_case(case.id, root_ts=root_ts)
        masked = MARKER_PREFIX in case.description or MARKER_PREFIX in case.title
        if masked and case.source in _TOLD_FROM_JOB:
            tell_reporter_secrets_masked(ctx, case.channel_id, case.reporter_id, root_ts)
    if case.report_file_id is None and is_long_paste(case.description):
        upload_report_snippet(ctx, case, root_ts)
    progress_ts = case.progress_ts
    if progress_ts is None:
        progress_ts = post_case_message_once(
            ctx.slack,
            case.channel_id,
            case.id,
            "progress",
            thread_ts=root_ts,
            text="Investigating…",
            blocks=build_progress_blocks("reading the report"),
        )
        ctx.cases.update_case(case.id, progress_ts=progress_ts)
    return root_ts, progress_ts


def diagnose_case(case_id: int) -> dict[str, Any]:
    """Open the case thread, show progress, and replace the progress message with the diagnosis."""
    ctx = current_context()
    ctx.cases.claim_job(f"diagnose_case:{case_id}")
    case = ctx.cases.get(case_id)
    if case is None:
        log.warning("diagnose_case for unknown case", extra={"case_id": case_id})
        return {"status": "missing", "case_id": case_id}
    root_ts, progress_ts = _ensure_thread(ctx, case)
    if case.diagnosis_json:
        # A re-run (its worker died, or it yielded a busy channel): the diagnosis stands as posted.
        diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
    else:
        diagnosis = _post_diagnosis(ctx, case, progress_ts)
    # A person's choice stands; the engine's severity only replaces its own earlier guess.
    severity = case.severity if case.reported_severity else diagnosis.severity.value
    if severity != case.severity:
        ctx.cases.update_case(case.id, severity=severity)
    # The root card leaves "Investigating" for "Diagnosed — <headline>".
    _show_status(ctx, case, CaseStatus(case.status), severity=severity, diagnosis=diagnosis, root_ts=root_ts)
    runbooks = post_suggestions(ctx, case, root_ts)
    # The case joins its reporter's open cases on App Home (off the high queue: it reads the figures).
    queue_home_refresh(ctx.incidents.queue if ctx.incidents else None, [case.reporter_id], f"opened{case.id}")
    log.info("case diagnosed", extra={"case": case.ref, "category": diagnosis.category.value})
    return {"case": case.ref, "root_ts": root_ts, "category": diagnosis.category.value, "runbooks": runbooks}


def _post_diagnosis(ctx: JobContext, case: Case, progress_ts: str) -> Diagnosis:
    """Diagnose, replace the progress message with the answer, and store it."""
    ctx.slack.chat_update(
        channel=case.channel_id,
        ts=progress_ts,
        text="Investigating…",
        blocks=build_progress_blocks("matching known failure patterns"),
    )
    # "Seen before" once: for the known fix, the engine's context (Claude's prompt) and the thread.
    matches = recall_past_cases(ctx, case)
    seen = past_case_notes(matches, as_utc(case.created_at))
    # An approved known fix for this problem answers first: instant, and no LLM call.
    diagnosis = known_fix_answer(ctx, case, matches) or ctx.engine.diagnose(
        case_context(case).model_copy(update={"seen_before": seen})
    )
    record_llm_usage(ctx, case.id, f"diagnose_case:{case.id}", diagnosis)
    audit_case_diagnosed(ctx, case, diagnosis)
    memory = build_memory_blocks(memory_view(ctx, case, matches))
    blocks = build_diagnosis_blocks(case.ref, diagnosis, case_id=case.id, facts=case_facts(ctx, case))
    ctx.slack.chat_update(
        channel=case.channel_id,
        ts=progress_ts,
        text=diagnosis_text(case.ref, diagnosis),
        blocks=[*blocks, *memory],
    )
    ctx.cases.update_case(case.id, diagnosis_json=diagnosis.model_dump_json())
    ctx.cases.add_bot_message(case.id, ctx.bot_user_id, diagnosis.summary, progress_ts)
    return diagnosis


def answer_in_thread(case_id: int, message_id: int) -> dict[str, Any]:
    """Look at a new thread message; re-diagnose and answer only when it needs it (updating on re-runs).

    Chatter gets nothing, evidence that moves nothing gets a 👀, a resolved case waits for
    `@FaultMaven reopen`, and a posted follow-up retires the previous diagnosis's Run… buttons.
    """
    ctx = current_context()
    ctx.cases.claim_job(f"answer_in_thread:{message_id}")
    case = ctx.cases.get(case_id)
    message = ctx.cases.get_message(message_id)
    if case is None or message is None or case.root_ts is None:
        log.warning(
            "answer_in_thread without case thread", extra={"case_id": case_id, "message_id": message_id}
        )
        return {"status": "missing", "case_id": case_id}
    if MARKER_PREFIX in message.text and message.reply_ts is None:
        # Told whether or not the message earns an update: the person should know what was stored.
        tell_reporter_secrets_masked(ctx, case.channel_id, message.author_id, case.root_ts)
    if asks_to_reopen(message):
        audit_thread_message(ctx, case, message, "reopen")
        if case.status == CaseStatus.RESOLVED.value or message.reply_ts is not None:
            reopen_case(ctx, case, message)
            # Back to "Investigating" until the next diagnosis: the old headline was for a resolved case.
            _show_status(ctx, case, CaseStatus.INVESTIGATING, forget_headline=True)
            return {"case": case.ref, "status": "reopened"}
    if case.status == CaseStatus.RESOLVED.value:
        audit_thread_message(ctx, case, message, "case resolved")
        return {"case": case.ref, "status": "resolved"}
    if message.reply_ts and any(m.from_bot and m.slack_ts == message.reply_ts for m in case.messages):
        # A re-run after the answer was complete: re-diagnosing now would compare it with itself.
        return {"case": case.ref, "reply_ts": message.reply_ts, "status": "answered"}
    verdict = triage_message(ctx, message)
    if not verdict.needs_update:
        audit_thread_message(ctx, case, message, verdict.reason)
        return {"case": case.ref, "status": "quiet", "reason": verdict.reason}
    seen = past_case_notes(recall_past_cases(ctx, case), as_utc(case.created_at))
    context = case_context(case, up_to_message_id=message_id).model_copy(update={"seen_before": seen})
    diagnosis = ctx.engine.diagnose(context)
    record_llm_usage(ctx, case.id, f"answer_in_thread:{message_id}", diagnosis)
    audit_thread_message(ctx, case, message, verdict.reason)
    audit_thread_turn(ctx, case, message, diagnosis)
    if message.reply_ts is None and not message.addressed and shows_nothing_new(context.previous, diagnosis):
        # Someone asking FaultMaven directly still gets an answer; evidence that moved nothing, a 👀.
        react_seen(ctx, case, message)
        return {"case": case.ref, "status": "seen"}
    blocks = build_followup_blocks(
        case.ref, diagnosis, context.previous, case_id=case.id, facts=case_facts(ctx, case)
    )
    text = diagnosis_text(case.ref, diagnosis)
    superseded = current_diagnosis_ts(case, message.id)
    if message.reply_ts:
        ctx.slack.chat_update(channel=case.channel_id, ts=message.reply_ts, text=text, blocks=blocks)
        reply_ts = message.reply_ts
    else:
        reply_ts = post_case_message_once(
            ctx.slack,
            case.channel_id,
            case.id,
            f"answer:{message.id}",
            thread_ts=case.root_ts,
            text=text,
            blocks=blocks,
        )
        ctx.cases.set_reply_ts(message.id, reply_ts)
    if superseded is not None:
        retire_run_buttons(ctx, case, superseded)
    ctx.cases.update_case(case.id, diagnosis_json=diagnosis.model_dump_json())
    # Recorded last: a re-run that finds it knows the answer is complete.
    ctx.cases.add_bot_message(case.id, ctx.bot_user_id, diagnosis.summary, reply_ts)
    _show_status(ctx, case, CaseStatus(case.status), diagnosis=diagnosis)
    return {"case": case.ref, "reply_ts": reply_ts}


def _show_status(
    ctx: JobContext,
    case: Case,
    status: CaseStatus,
    severity: str | None = None,
    diagnosis: Diagnosis | None = None,
    root_ts: str | None = None,
    forget_headline: bool = False,
) -> None:
    """Update a plain case root in place (an incident's root is rendered by the incident jobs, which
    read the same stored diagnosis)."""
    root_ts = root_ts or case.root_ts
    if root_ts is None or (ctx.incidents is not None and ctx.incidents.repo.for_case(case.id)):
        return
    update: dict[str, Any] = {"status": status.value}
    if severity is not None:
        update["severity"] = severity
    if diagnosis is not None:
        update |= {"suggested_severity": diagnosis.severity.value, "diagnosis_headline": diagnosis.summary}
    if forget_headline:
        update["diagnosis_headline"] = None
    card = case_card(case).model_copy(update=update)
    ctx.slack.chat_update(
        channel=case.channel_id,
        ts=root_ts,
        text=case_root_text(card),
        blocks=build_case_root_blocks(card),
    )
