"""Runbook jobs: suggest similar runbooks on a new case, answer searches, share a runbook in a channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web import SlackResponse

from bot.blocks.memory import build_past_case_results_blocks
from bot.blocks.mrkdwn import escape
from bot.blocks.runbooks import (
    RunbookHit,
    build_search_result_blocks,
    build_shared_card_blocks,
    build_suggestion_blocks,
    shared_card_text,
    suggestions_text,
)
from jobs.cases.thread_messages import post_case_message_once
from jobs.channels import parse_channel_ref
from jobs.learning.memory import search_past_cases
from jobs.runbooks.library import RunbookLibrary, RunbookResult
from jobs.runtime import JobContext, current_context
from jobs.submission import claim_outbox
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
        # A re-run after a worker died between this post and storing its ts finds it by its metadata.
        posted = post_case_message_once(
            ctx.slack, case.channel_id, case.id, "suggestions", thread_ts=root_ts, text=text, blocks=blocks
        )
        ctx.runbooks.repo.set_suggestion_ts(case.id, posted)
    return [r.runbook.ref for r in found]


def suggest_runbooks(case_id: int) -> dict[str, Any]:
    """Job form of `post_suggestions`, for a case whose thread exists."""
    ctx = current_context()
    case = ctx.cases.get(case_id)
    if case is None or case.root_ts is None:
        return {"status": "missing", "case_id": case_id}
    return {"case": case.ref, "runbooks": post_suggestions(ctx, case, case.root_ts)}


def search_runbooks(channel_id: str, user_id: str, query: str, outbox_key: str = "") -> dict[str, Any]:
    """Answer `/faultmaven search <words>` with an ephemeral list (View / Share in channel)."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    results = _library(ctx).search(query, k=5)
    hits = [RunbookHit(runbook=r.runbook, similarity=r.hit.similarity) for r in results]
    past = search_past_cases(ctx, query)
    ctx.slack.chat_postEphemeral(
        channel=channel_id,
        user=user_id,
        text=f"{len(hits)} runbooks for “{escape(query[:80])}”",
        blocks=[*build_search_result_blocks(query, hits), *build_past_case_results_blocks(query, past)],
    )
    return {"results": [h.runbook.ref for h in hits], "cases": [p.ref for p in past]}


def share_runbook(
    channel_id: str, user_id: str, runbook_id: int, target: str = "", outbox_key: str = ""
) -> dict[str, Any]:
    """Post a runbook's card in `target` (a channel typed in a command) or else in `channel_id`.

    Refusals go to the requester alone, in `channel_id` where they asked: never a post elsewhere.
    """
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)

    def refuse(text: str, status: str) -> dict[str, Any]:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
        return {"status": status, "runbook_id": runbook_id}

    runbook = _library(ctx).get(int(runbook_id))
    if runbook is None:
        return refuse("That runbook no longer exists.", "missing")
    destination = channel_id
    if target:
        ref = parse_channel_ref(target)
        if ref is None:
            return refuse(
                f"I can't share {runbook.ref}: `{escape(target[:80])}` is not a channel. "
                "Name one like `#db-oncall`.",
                "not_a_channel",
            )
        found = ref.channel_id or ctx.channels.find(ctx.slack, ref.name or "")
        if found is None:
            return refuse(
                f"I can't share {runbook.ref} in {escape(ref.label)}: I see no channel by that name. "
                "Check the spelling; if it is private, invite me there with `/invite @FaultMaven` first.",
                "unknown_channel",
            )
        destination = found
    blocks, text = build_shared_card_blocks(runbook, user_id), shared_card_text(runbook)
    try:
        resp = _post_joining(ctx, destination, text, blocks)
    except SlackApiError as error:
        reason = str(error.response.get("error"))
        if reason not in _CANNOT_POST:
            raise
        return refuse(
            f"I can't post {runbook.ref} in <#{destination}>: {_CANNOT_POST[reason]}",
            reason,
        )
    log.info("runbook shared", extra={"runbook": runbook.ref, "channel": destination})
    return {"runbook": runbook.ref, "channel": destination, "ts": str(resp["ts"])}


# Slack errors that mean "not there", each said the way the requester can act on it.
_CANNOT_POST = {
    "channel_not_found": "I can't see that channel. If it is private, invite me with "
    "`/invite @FaultMaven` and share again.",
    "not_in_channel": "this is a private channel I'm not in. Invite me with `/invite @FaultMaven` "
    "and share again.",
    "method_not_supported_for_channel_type": "this is a private channel I'm not in. Invite me with "
    "`/invite @FaultMaven` and share again.",
    "is_archived": "that channel is archived.",
}


def _post_joining(ctx: JobContext, channel: str, text: str, blocks: list[Block]) -> SlackResponse:
    """Post, joining a public channel first when the bot is not a member yet."""
    try:
        return ctx.slack.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
    ctx.slack.conversations_join(channel=channel)
    return ctx.slack.chat_postMessage(channel=channel, text=text, blocks=blocks)
