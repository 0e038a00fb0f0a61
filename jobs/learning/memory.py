"""Memory on a new case: the closest resolved cases, with links to their threads, and repeats."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.blocks.memory import MemoryView, SeenBeforeLine
from engine.learning.memory import PastCase, SeenBefore, recall
from engine.learning.recurrence import WINDOW, describe_recurrence
from engine.models import PastCaseNote
from jobs.runtime import JobContext
from storage.models import Case, as_utc, utcnow

# A few search words embed less precisely than a report. Spot-checked against a Redis OOM case:
# "redis oom" 0.58, "redis out of memory" 0.69, "redis latency" 0.44, "disk full" 0.20.
SEARCH_MIN_SIMILARITY = 0.5
SEARCH_LIMIT = 3

log = logging.getLogger(__name__)


def report_text(case: Case) -> str:
    """The report and every human message so far: what memory matches against."""
    return "\n".join([case.title, case.description, *(m.text for m in case.messages if not m.from_bot)])


def thread_link(ctx: JobContext, channel_id: str, root_ts: str | None) -> str | None:
    """A permalink to a case thread; None when Slack cannot give one (the line still shows the id)."""
    if root_ts is None:
        return None
    try:
        return str(ctx.slack.chat_getPermalink(channel=channel_id, message_ts=root_ts)["permalink"])
    except SlackApiError as error:
        log.info(
            "no permalink for a past case",
            extra={"channel": channel_id, "error": error.response.get("error")},
        )
        return None


def recall_past_cases(ctx: JobContext, case: Case) -> list[SeenBefore]:
    """Resolved cases close in meaning to this one, best first (at most two)."""
    learning = ctx.learning
    if learning is None:
        return []
    past = [PastCase(**asdict(r)) for r in learning.history.resolved() if r.case_id != case.id]
    return recall(
        report_text(case), past, learning.embedder, learning.embeddings(past), learning.memory_min_similarity
    )


def _lines(ctx: JobContext, matches: list[SeenBefore], now: datetime) -> list[SeenBeforeLine]:
    return [
        SeenBeforeLine(
            ref=m.case.ref,
            link=thread_link(ctx, m.case.channel_id, m.case.root_ts),
            ago_s=max(0, int((now - m.case.resolved_at).total_seconds())),
            level=m.case.level,
            stated_fix=m.case.stated_fix,
            took_s=m.case.time_to_resolution_s,
        )
        for m in matches
    ]


def search_past_cases(ctx: JobContext, query: str) -> list[SeenBeforeLine]:
    """Resolved cases for `/faultmaven search`: a looser floor than on a case, as queries are short."""
    learning = ctx.learning
    if learning is None:
        return []
    past = [PastCase(**asdict(r)) for r in learning.history.resolved()]
    found = recall(
        query, past, learning.embedder, learning.embeddings(past), SEARCH_MIN_SIMILARITY, SEARCH_LIMIT
    )
    return _lines(ctx, found, utcnow())


def past_case_notes(matches: list[SeenBefore], now: datetime) -> list[PastCaseNote]:
    """The same matches as context for the diagnosis engine (Claude's prompt)."""
    return [
        PastCaseNote(
            ref=m.case.ref,
            similarity=round(m.similarity, 2),
            level=m.case.level,
            stated_fix=m.case.stated_fix,
            time_to_resolution_s=m.case.time_to_resolution_s,
            resolved_days_ago=max(0, int((now - m.case.resolved_at).total_seconds() // 86400)),
        )
        for m in matches
    ]


def memory_view(ctx: JobContext, case: Case, matches: list[SeenBefore] | None = None) -> MemoryView:
    """What the diagnosis shows from memory: "Seen before" lines and repeats of the best match's problem."""
    learning = ctx.learning
    matches = recall_past_cases(ctx, case) if matches is None else matches
    if learning is None or not matches:
        return MemoryView()
    opened = as_utc(case.created_at)
    seen = _lines(ctx, matches, opened)
    repeats = learning.history.opened_since(matches[0].case.signature, opened - WINDOW)
    return MemoryView(seen=seen, recurrence=describe_recurrence([*repeats, opened], opened))
