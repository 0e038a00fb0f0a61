"""Runbook jobs: suggest similar runbooks on a new case, answer searches, share a runbook in a channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.memory import build_past_case_results_blocks
from bot.blocks.runbooks import (
    RunbookHit,
    build_search_result_blocks,
    build_shared_card_blocks,
    build_suggestion_blocks,
    shared_card_text,
    suggestions_text,
)
from jobs.learning.memory import search_past_cases
from jobs.runbook_library import RunbookLibrary, RunbookResult
from jobs.runtime import JobContext, current_context
from storage.models import Case

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3


def _library(ctx: JobContext) -> RunbookLibrary:
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    return ctx.runbooks


def relevant(results: list[RunbookResult], min_similarity: float) -> list[RunbookResult]:
    """Results worth interrupting a case thread for."""
    if not results:
        return []
    if results[0].hit.similarity is None:  # keyword-only search: trust the best match alone
        return results[:1] if results[0].hit.bm25_rank == 1 else []
    return [r for r in results if r.hit.similarity is not None and r.hit.similarity >= min_similarity]


def post_suggestions(ctx: JobContext, case: Case, root_ts: str) -> list[str]:
    """Post (or update) the similar-runbooks message in a case thread; returns the refs shown."""
    if ctx.runbooks is None:
        return []
    query = f"{case.title}\n{case.description}"
    found = relevant(ctx.runbooks.search(query, k=MAX_SUGGESTIONS), ctx.runbook_min_similarity)
    if not found:
        return []
    previous_ts = ctx.runbooks.repo.record_suggestions(
        case.id, [(r.runbook.id, r.hit.similarity or 0.0) for r in found]
    )
    hits = [RunbookHit(runbook=r.runbook, similarity=r.hit.similarity) for r in found]
    blocks, text = build_suggestion_blocks(hits), suggestions_text(hits)
    if previous_ts:
        ctx.slack.chat_update(channel=case.channel_id, ts=previous_ts, text=text, blocks=blocks)
    else:
        resp = ctx.slack.chat_postMessage(
            channel=case.channel_id, thread_ts=root_ts, text=text, blocks=blocks
        )
        ctx.runbooks.repo.set_suggestion_ts(case.id, str(resp["ts"]))
    return [r.runbook.ref for r in found]


def suggest_runbooks(case_id: int) -> dict[str, Any]:
    """Job form of `post_suggestions`, for a case whose thread exists."""
    ctx = current_context()
    case = ctx.cases.get(case_id)
    if case is None or case.root_ts is None:
        return {"status": "missing", "case_id": case_id}
    return {"case": case.ref, "runbooks": post_suggestions(ctx, case, case.root_ts)}


def search_runbooks(channel_id: str, user_id: str, query: str) -> dict[str, Any]:
    """Answer `/faultmaven search <words>` with an ephemeral list (View / Share in channel)."""
    ctx = current_context()
    results = _library(ctx).search(query, k=5)
    hits = [RunbookHit(runbook=r.runbook, similarity=r.hit.similarity) for r in results]
    past = search_past_cases(ctx, query)
    ctx.slack.chat_postEphemeral(
        channel=channel_id,
        user=user_id,
        text=f"{len(hits)} runbooks for “{query[:80]}”",
        blocks=[*build_search_result_blocks(query, hits), *build_past_case_results_blocks(query, past)],
    )
    return {"results": [h.runbook.ref for h in hits], "cases": [p.ref for p in past]}


def share_runbook(channel_id: str, user_id: str, runbook_id: int) -> dict[str, Any]:
    """Post a runbook's card in a channel, joining it first when the bot is not a member."""
    ctx = current_context()
    runbook = _library(ctx).get(int(runbook_id))
    if runbook is None:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text="That runbook no longer exists.")
        return {"status": "missing", "runbook_id": runbook_id}
    blocks, text = build_shared_card_blocks(runbook, user_id), shared_card_text(runbook)
    try:
        resp = ctx.slack.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
        try:
            ctx.slack.conversations_join(channel=channel_id)
        except SlackApiError:
            ctx.slack.chat_postEphemeral(
                channel=channel_id,
                user=user_id,
                text=f"I can't post {runbook.ref} here: this is a private channel I'm not in. "
                "Invite me with `/invite @FaultMaven` and share again.",
            )
            return {"status": "not_in_channel", "runbook": runbook.ref}
        resp = ctx.slack.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    log.info("runbook shared", extra={"runbook": runbook.ref, "channel": channel_id})
    return {"runbook": runbook.ref, "ts": str(resp["ts"])}
