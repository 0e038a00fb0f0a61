"""Blocks for runbooks drafted from resolved cases: the offer, and the draft card with Approve / Reject."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.runbooks import to_mrkdwn
from bot.ids import Ids
from engine.runbooks.models import SECTION_TITLES, Runbook, RunbookStatus

OFFER_TEXT = "Glad we solved it! Create a runbook from this case?"
SECTION_PREVIEW = 400


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_runbook_offer_blocks(case_id: int) -> list[Block]:
    """'Glad we solved it! Create a runbook from this case?' with Create runbook / No thanks."""
    return [
        SectionBlock(block_id=Ids.RUNBOOK_OFFER, text=MarkdownTextObject(text=f"🎉 {OFFER_TEXT}")),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Ids.RUNBOOK_CREATE_BUTTON,
                    text=PlainTextObject(text="Create runbook"),
                    value=str(case_id),
                    style="primary",
                ),
                ButtonElement(
                    action_id=Ids.RUNBOOK_DECLINE_BUTTON,
                    text=PlainTextObject(text="No thanks"),
                    value=str(case_id),
                ),
            ]
        ),
    ]


def build_offer_answered_blocks(text: str) -> list[Block]:
    """The offer once answered: its buttons replaced by what happened."""
    return [SectionBlock(block_id=Ids.RUNBOOK_OFFER, text=MarkdownTextObject(text=text))]


def draft_card_text(runbook: Runbook) -> str:
    """Notification fallback for the draft card."""
    return f"📝 Draft runbook {runbook.ref}: {runbook.title}"


def _decision_line(runbook: Runbook) -> str:
    if runbook.status is RunbookStatus.ACTIVE:
        return f"✅ Approved by <@{runbook.reviewer}> — {runbook.ref} is now searchable"
    if runbook.status is RunbookStatus.ARCHIVED:
        return f"🗑️ Rejected by <@{runbook.reviewer}> — {runbook.ref} was archived"
    return f"Pending review · drafted by <@{runbook.author}> · anyone but the author may approve"


def build_runbook_draft_blocks(runbook: Runbook) -> list[Block]:
    """The draft in the thread: title, each section in brief, then Approve / Reject while pending."""
    origin = f" from {runbook.case_ref}" if runbook.case_ref else ""
    blocks: list[Block] = [
        HeaderBlock(block_id=Ids.RUNBOOK_DRAFT, text=PlainTextObject(text=_clip(f"📝 {runbook.title}", 150))),
        ContextBlock(elements=[MarkdownTextObject(text=f"{runbook.ref} · draft runbook{origin}")]),
    ]
    for name, heading in SECTION_TITLES.items():
        body = to_mrkdwn(getattr(runbook.sections, name)).strip()
        if body:
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n{_clip(body, SECTION_PREVIEW)}"))
            )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_decision_line(runbook))]))
    if runbook.status is RunbookStatus.PENDING_REVIEW:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        action_id=Ids.RUNBOOK_APPROVE_BUTTON,
                        text=PlainTextObject(text="Approve"),
                        value=str(runbook.id),
                        style="primary",
                    ),
                    ButtonElement(
                        action_id=Ids.RUNBOOK_REJECT_BUTTON,
                        text=PlainTextObject(text="Reject"),
                        value=str(runbook.id),
                        style="danger",
                    ),
                ]
            )
        )
    return blocks
