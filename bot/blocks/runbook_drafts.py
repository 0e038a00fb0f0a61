"""Blocks for runbooks drafted from resolved cases: the offer, and the draft card with its review buttons."""

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

from bot.blocks.mrkdwn import escape
from bot.blocks.runbooks import to_mrkdwn
from bot.ids import Ids
from engine.runbooks.models import SECTION_TITLES, Runbook, RunbookStatus
from engine.runbooks.reviewers import writers

OFFER_TEXT = "Glad we solved it! Create a runbook from this case?"
SECTION_PREVIEW = 400


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_runbook_offer_blocks(case_id: int, ask_for_fix: bool = False) -> list[Block]:
    """'Glad we solved it! Create a runbook from this case?' with Create runbook / No thanks.

    `ask_for_fix`: the case was resolved at its source, which says nothing about the fix, so Create
    runbook first opens a modal asking for the root cause and the fix.
    """
    return [
        SectionBlock(block_id=Ids.RUNBOOK_OFFER, text=MarkdownTextObject(text=f"🎉 {OFFER_TEXT}")),
        ActionsBlock(
            elements=[
                ButtonElement(
                    action_id=Ids.RUNBOOK_CREATE_ASK_BUTTON if ask_for_fix else Ids.RUNBOOK_CREATE_BUTTON,
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
    return f"📝 Draft runbook {runbook.ref}: {escape(runbook.title)}"


def mention(slack_id: str) -> str:
    """A user (U…/W…) or user group (S…) as Slack renders a mention."""
    return f"<!subteam^{slack_id}>" if slack_id.startswith("S") else f"<@{slack_id}>"


def approvers_label(runbook: Runbook, reviewers: tuple[str, ...] = ()) -> str:
    """Who may approve: 'anyone but <@W1>', or the configured reviewers minus the draft's writers."""
    excluded = " or ".join(mention(user) for user in writers(runbook))
    if not reviewers:
        return f"anyone but {excluded}" if excluded else "anyone"
    listed = ", ".join(mention(r) for r in reviewers)
    return f"{listed} (not {excluded})" if excluded else listed


def is_pending(runbook: Runbook) -> bool:
    """Still awaiting review (draft or pending_review)."""
    return runbook.status in (RunbookStatus.DRAFT, RunbookStatus.PENDING_REVIEW)


def _decision_line(runbook: Runbook, reviewers: tuple[str, ...]) -> str:
    if runbook.status is RunbookStatus.ACTIVE:
        return f"✅ Approved by <@{runbook.reviewer}> — {runbook.ref} is now searchable"
    if runbook.status is RunbookStatus.ARCHIVED:
        return f"🗑️ Rejected by <@{runbook.reviewer}> — {runbook.ref} was archived"
    author = f"<@{runbook.author}>" if runbook.author else "unknown"
    return f"Pending review · drafted by {author} · may approve: {approvers_label(runbook, reviewers)}"


def review_buttons(runbook: Runbook, with_view: bool = False) -> ActionsBlock:
    """Approve / Edit / Reject (and View, where the sections are not shown)."""
    view = ButtonElement(
        action_id=Ids.RUNBOOK_VIEW_BUTTON, text=PlainTextObject(text="View"), value=str(runbook.id)
    )
    return ActionsBlock(
        elements=[
            *([view] if with_view else []),
            ButtonElement(
                action_id=Ids.RUNBOOK_APPROVE_BUTTON,
                text=PlainTextObject(text="Approve"),
                value=str(runbook.id),
                style="primary",
            ),
            ButtonElement(
                action_id=Ids.RUNBOOK_EDIT_BUTTON, text=PlainTextObject(text="Edit"), value=str(runbook.id)
            ),
            ButtonElement(
                action_id=Ids.RUNBOOK_REJECT_BUTTON,
                text=PlainTextObject(text="Reject"),
                value=str(runbook.id),
                style="danger",
            ),
        ]
    )


def build_runbook_draft_blocks(
    runbook: Runbook, reviewers: tuple[str, ...] = (), note: str | None = None
) -> list[Block]:
    """The draft in the thread: title, each section in brief, then Approve / Edit / Reject while pending."""
    origin = f" from {runbook.case_ref}" if runbook.case_ref else ""
    blocks: list[Block] = [
        HeaderBlock(
            block_id=Ids.RUNBOOK_DRAFT, text=PlainTextObject(text=_clip(f"📝 {escape(runbook.title)}", 150))
        ),
        ContextBlock(elements=[MarkdownTextObject(text=f"{runbook.ref} · draft runbook{origin}")]),
    ]
    for name, heading in SECTION_TITLES.items():
        body = to_mrkdwn(getattr(runbook.sections, name)).strip()
        if body:
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n{_clip(body, SECTION_PREVIEW)}"))
            )
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"ℹ️ {escape(note)}")]))
    if runbook.edited_by:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"✏️ Edited by <@{runbook.edited_by}>")]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_decision_line(runbook, reviewers))]))
    if is_pending(runbook):
        blocks.append(review_buttons(runbook))
    return blocks
