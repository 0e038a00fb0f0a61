"""Runbook blocks: suggestions on a case, search results, a shared card and the full-runbook modal."""

from __future__ import annotations

import re

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.mrkdwn import escape
from bot.ids import Ids
from engine.runbooks.models import SECTION_TITLES, Runbook

SECTION_LIMIT = 2900


class RunbookHit(BaseModel):
    """A runbook as a result line: what the blocks show about it."""

    runbook: Runbook
    similarity: float | None = None


def to_mrkdwn(markdown: str) -> str:
    """Markdown → Slack mrkdwn: bold, headings and links; anything else that looks like mrkdwn is escaped."""
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", escape(markdown))
    text = re.sub(r"^#{1,6}\s+(.+)$", r"*\1*", text, flags=re.MULTILINE)
    # Only a markdown link becomes a Slack link; `|` would let the url rewrite the label.
    return re.sub(r"\[([^\]|]+)\]\((https?://[^)|\s]+)\)", r"<\2|\1>", text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def track_record(runbook: Runbook) -> str:
    """'worked 7/8 times', or '' before any feedback."""
    return f"worked {runbook.times_worked}/{runbook.times_used} times" if runbook.times_used else ""


def summary_line(runbook: Runbook) -> str:
    """The first meaningful line of the problem summary."""
    for line in runbook.sections.problem_summary.splitlines():
        cleaned = line.replace("**", "").strip().lstrip("-*# ").strip()
        if cleaned and not cleaned.endswith(":"):
            return _clip(cleaned, 200)
    return ""


def _buttons(runbook: Runbook) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                action_id=Ids.RUNBOOK_VIEW_BUTTON, text=PlainTextObject(text="View"), value=str(runbook.id)
            ),
            ButtonElement(
                action_id=Ids.RUNBOOK_SHARE_BUTTON,
                text=PlainTextObject(text="Share in channel"),
                value=str(runbook.id),
            ),
        ]
    )


def _result_blocks(hit: RunbookHit, emoji: str) -> list[Block]:
    rb = hit.runbook
    record = track_record(rb)
    title = f"{emoji} *{rb.ref} · {escape(rb.title)}*" + (f" ({record})" if record else "")
    line = escape(summary_line(rb))
    return [
        SectionBlock(
            text=MarkdownTextObject(text=_clip(title + (f"\n{line}" if line else ""), SECTION_LIMIT))
        ),
        _buttons(rb),
    ]


def suggestions_text(hits: list[RunbookHit]) -> str:
    """Notification fallback for the suggestions message."""
    return "Similar runbooks: " + ", ".join(f"{h.runbook.ref} {escape(h.runbook.title)}" for h in hits)


def build_suggestion_blocks(hits: list[RunbookHit]) -> list[Block]:
    """The in-thread message on a new case: '📖 Similar runbook: …' with View and Share."""
    heading = "📖 *Similar runbook*" if len(hits) == 1 else "📖 *Similar runbooks*"
    blocks: list[Block] = [
        SectionBlock(block_id=Ids.RUNBOOK_SUGGESTIONS, text=MarkdownTextObject(text=heading))
    ]
    for hit in hits:
        blocks.extend(_result_blocks(hit, "•"))
    return blocks


def build_search_result_blocks(query: str, hits: list[RunbookHit]) -> list[Block]:
    """Ephemeral answer to `/faultmaven search <words>`."""
    if not hits:
        return [
            SectionBlock(
                block_id=Ids.RUNBOOK_RESULTS,
                text=MarkdownTextObject(text=f"No runbook matches _{escape(_clip(query, 200))}_."),
            )
        ]
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.RUNBOOK_RESULTS,
            text=MarkdownTextObject(text=f"🔍 Runbooks for _{escape(_clip(query, 200))}_"),
        )
    ]
    for n, hit in enumerate(hits, start=1):
        blocks.extend(_result_blocks(hit, f"{n}."))
    return blocks


def shared_card_text(runbook: Runbook) -> str:
    """Notification fallback for a shared runbook card."""
    return f"📖 {runbook.ref}: {escape(runbook.title)}"


def build_shared_card_blocks(runbook: Runbook, shared_by: str) -> list[Block]:
    """A compact card posted in a channel: title, summary, root cause in brief, and a View button."""
    meta = [f"{runbook.ref} · v{runbook.version}", f"shared by <@{shared_by}>"]
    if track_record(runbook):
        meta.insert(1, track_record(runbook))
    summary = to_mrkdwn(runbook.sections.problem_summary) or "_No summary._"
    return [
        HeaderBlock(text=PlainTextObject(text=_clip(f"📖 {escape(runbook.title)}", 150))),
        SectionBlock(text=MarkdownTextObject(text=_clip(summary, 900))),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(meta))]),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Ids.RUNBOOK_VIEW_BUTTON,
                    text=PlainTextObject(text="View full runbook"),
                    value=str(runbook.id),
                )
            ]
        ),
    ]


def build_runbook_modal(runbook: Runbook, history: list[Block] | None = None) -> View:
    """The whole runbook, section by section; `history`: its versions (bot/blocks/runbook_revisions.py)."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_clip(escape(runbook.title), 150))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=" · ".join(
                        part
                        for part in (
                            f"{runbook.ref} · v{runbook.version}",
                            runbook.status.value,
                            track_record(runbook),
                        )
                        if part
                    )
                )
            ]
        ),
        *(history or []),
    ]
    for name, heading in SECTION_TITLES.items():
        body = to_mrkdwn(getattr(runbook.sections, name)).strip()
        if not body:
            continue
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{heading}*")))
        for start in range(0, min(len(body), SECTION_LIMIT * 4), SECTION_LIMIT):
            blocks.append(SectionBlock(text=MarkdownTextObject(text=body[start : start + SECTION_LIMIT])))
    return View(
        type="modal",
        callback_id=Ids.RUNBOOK_MODAL,
        title=PlainTextObject(text=_clip(runbook.ref, 24)),
        close=PlainTextObject(text="Close"),
        blocks=blocks[:100],
    )
