"""Blocks for memory on a diagnosis: "Seen before" lines and the recurrence line."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip, duration
from bot.ids import Ids

HOW = {
    "L1": "with a known fix",
    "L2": "following FaultMaven's lead",
    "L3": "by the team",
    "escalated": "after escalation",
}
FIX_CHARS = 140


class SeenBeforeLine(BaseModel):
    ref: str
    link: str | None = None
    ago_s: int
    level: str
    stated_fix: str
    took_s: int


class MemoryView(BaseModel):
    seen: list[SeenBeforeLine] = []
    recurrence: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing worth a line: the diagnosis stays as it was."""
        return not self.seen and self.recurrence is None


def _line(seen: SeenBeforeLine) -> str:
    ref = f"<{escape(seen.link)}|{seen.ref}>" if seen.link else seen.ref
    how = HOW.get(seen.level, "resolved")
    fix = escape(clip(seen.stated_fix, FIX_CHARS))
    return (
        f"🔁 *Seen before:* {ref} · {duration(seen.ago_s)} ago · resolved {how} in {duration(seen.took_s)}"
        f" — _{fix}_"
    )


def build_memory_blocks(view: MemoryView) -> list[Block]:
    """At most two "Seen before" lines and one recurrence line, as one quiet context block."""
    lines = [_line(s) for s in view.seen[:2]]
    if view.recurrence:
        lines.append(f"📈 {escape(view.recurrence)}")
    if not lines:
        return []
    return [
        ContextBlock(block_id=Ids.MEMORY_SEEN_BEFORE, elements=[MarkdownTextObject(text="\n".join(lines))])
    ]


def build_past_case_results_blocks(query: str, found: list[SeenBeforeLine]) -> list[Block]:
    """Past cases under the runbook results of `/faultmaven search`; nothing when none is close."""
    if not found:
        return []
    head = f"🗂️ Past cases for _{escape(clip(query, 200))}_"
    lines = [_line(s).replace("🔁 *Seen before:* ", "• ") for s in found]
    return [
        SectionBlock(block_id=Ids.MEMORY_SEARCH_RESULTS, text=MarkdownTextObject(text=head)),
        ContextBlock(elements=[MarkdownTextObject(text="\n".join(lines))]),
    ]
