"""The review queue: every runbook not yet approved, newest first, with who may approve each."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.mrkdwn import escape
from bot.blocks.runbook_drafts import approvers_label, review_buttons
from bot.ids import Ids
from engine.runbooks.models import Runbook

# Two blocks per runbook, plus the heading and a footer, stays well under Slack's 50 per message.
MAX_LISTED = 15


def age_text(created_at: datetime | None, now: datetime) -> str:
    """'just now', '12 min ago', '5 h ago', '3 d ago'."""
    if created_at is None:
        return "age unknown"
    created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    minutes = int((now - created).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} d ago"


def review_queue_text(count: int) -> str:
    """Notification fallback for the queue."""
    if not count:
        return "No runbooks are awaiting review."
    return f"{count} runbook{'' if count == 1 else 's'} awaiting review"


def _entry(runbook: Runbook, reviewers: tuple[str, ...], now: datetime) -> list[Block]:
    status = runbook.status.value.replace("_", " ")
    facts = [
        f"by <@{runbook.author}>" if runbook.author else "author unknown",
        f"from {runbook.case_ref}" if runbook.case_ref else "not from a case",
        age_text(runbook.created_at, now),
    ]
    if runbook.edited_by:
        facts.append(f"✏️ edited by <@{runbook.edited_by}>")
    text = (
        f"*{runbook.ref} · {escape(runbook.title[:150])}* ({status})\n"
        f"{' · '.join(facts)}\n"
        f"May approve: {approvers_label(runbook, reviewers)}"
    )
    return [SectionBlock(text=MarkdownTextObject(text=text)), review_buttons(runbook, with_view=True)]


def build_review_queue_blocks(
    runbooks: list[Runbook], reviewers: tuple[str, ...], now: datetime
) -> list[Block]:
    """Ephemeral answer to `/faultmaven runbook review`: runbooks in the order given (newest first)."""
    if not runbooks:
        return [
            SectionBlock(
                block_id=Ids.RUNBOOK_REVIEW_QUEUE,
                text=MarkdownTextObject(text="📋 No runbooks are awaiting review. 🎉"),
            )
        ]
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.RUNBOOK_REVIEW_QUEUE,
            text=MarkdownTextObject(text=f"📋 *{review_queue_text(len(runbooks))}*, newest first"),
        )
    ]
    for runbook in runbooks[:MAX_LISTED]:
        blocks.extend(_entry(runbook, reviewers, now))
    hidden = runbooks[MAX_LISTED:]
    if hidden:
        refs = ", ".join(r.ref for r in hidden[:40])
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(hidden)} older: {refs}")]))
    return blocks
