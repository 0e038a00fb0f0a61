"""A reply in a case thread that arrived before the case knew its thread, matched by a job.

The worker posts a case's root message and stores its ts right after. A person (or, under load,
anyone quick) may reply in between, and if that worker dies right after posting, the gap lasts until
its lease runs out and the job is re-run. The web process then finds no case for the thread. When
the thread's root is the bot's own message (Slack says so in `parent_user_id`), the handler records
this job instead of dropping the reply; the job learns the case from the stored thread or from the
root's message metadata, reads the reply from Slack, and records and answers it like any reply.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from engine.redaction import redact
from jobs.cases.diagnosis import answer_in_thread
from jobs.cases.thread_messages import EVENT_TYPE, SEARCH_LIMIT
from jobs.runtime import current_context
from jobs.submission import claim_outbox

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def match_thread_reply(
    channel_id: str, thread_ts: str, ts: str, addressed: int, outbox_key: str = ""
) -> dict[str, Any]:
    """Record the reply on its case and answer it; nothing when the thread is not a case's."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    replies = ctx.slack.conversations_replies(
        channel=channel_id, ts=thread_ts, limit=SEARCH_LIMIT, include_all_metadata=True
    )
    messages: list[dict[str, Any]] = list(replies.get("messages") or [])
    case = ctx.cases.find_by_thread(channel_id, thread_ts)
    case_id = case.id if case is not None else _case_in_metadata(messages, thread_ts)
    reply = next((m for m in messages if m.get("ts") == ts), None)
    if case_id is None or reply is None or not reply.get("user"):
        return {"status": "no case thread" if case_id is None else "reply gone"}
    if case is None:
        # The root is posted but its ts not stored yet: store it, as the re-run would.
        ctx.cases.update_case(case_id, root_ts=thread_ts)
    words = _MENTION.sub("", str(reply.get("text") or "")).strip()
    message, _job, created = ctx.cases.add_message(
        case_id, str(reply["user"]), redact(words), ts, "answer_in_thread", addressed=bool(addressed)
    )
    log.info("late thread reply matched", extra={"case_id": case_id, "recorded": created})
    if not created:  # recorded meanwhile through the handler, whose answer job is queued
        return {"status": "already recorded", "case_id": case_id}
    return answer_in_thread(case_id, message.id)


def _case_in_metadata(messages: list[dict[str, Any]], thread_ts: str) -> int | None:
    root = next((m for m in messages if m.get("ts") == thread_ts), None)
    metadata = (root or {}).get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != EVENT_TYPE or payload.get("role") != "root":
        return None
    case_id = payload.get("case_id")
    return case_id if isinstance(case_id, int) else None
