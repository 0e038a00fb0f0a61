"""Stale runbooks under the review queue: which, and why."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip
from bot.ids import Ids
from engine.learning.staleness import StaleRunbook

SHOWN = 10


def build_stale_runbook_blocks(stale: list[StaleRunbook]) -> list[Block]:
    """Nothing when every live runbook is fine."""
    if not stale:
        return []
    lines = [f"🕸️ *Live runbooks that need a look ({len(stale)})*"]
    lines += [
        f"• *{s.ref}* {escape(clip(s.title, 80))}: {escape('; '.join(s.reasons))}" for s in stale[:SHOWN]
    ]
    if len(stale) > SHOWN:
        lines.append(f"…and {len(stale) - SHOWN} more.")
    return [SectionBlock(block_id=Ids.STALE_RUNBOOKS, text=MarkdownTextObject(text="\n".join(lines)[:2900]))]
