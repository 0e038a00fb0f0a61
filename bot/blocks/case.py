"""Blocks for a case: its root message in the channel and the progress message in its thread."""

from __future__ import annotations

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.mrkdwn import escape
from bot.ids import Ids

STATUS_EMOJI = {"investigating": "🔎", "mitigated": "🩹", "resolved": "✅"}
SEVERITY_EMOJI = {"low": "🟢", "medium": "🟡", "high": "🟠", "critical": "🔴"}


class CardLink(BaseModel):
    label: str
    url: str


class CaseCard(BaseModel):
    ref: str
    title: str
    reporter_id: str
    status: str
    severity: str
    service: str | None = None
    source: str = "slash"
    # Incident cases (PagerDuty, Alertmanager): shown only when set, so other cards are unchanged.
    reporter_label: str | None = None
    incident_status: str | None = None
    acknowledged_by: str | None = None
    priority: str | None = None
    links: list[CardLink] = Field(default_factory=list)


def case_root_text(card: CaseCard) -> str:
    """Notification fallback for the root message."""
    return f"{card.ref}: {escape(card.title)} ({card.status}, {card.severity})"


def build_case_root_blocks(card: CaseCard) -> list[Block]:
    """The case's root message: the thread everything else hangs off."""
    status = f"{STATUS_EMOJI.get(card.status, '•')} {card.status.capitalize()}"
    severity = f"{SEVERITY_EMOJI.get(card.severity, '•')} {card.severity.capitalize()} (guess)"
    fields = [
        MarkdownTextObject(text=f"*Reporter*\n{_reporter(card)}"),
        MarkdownTextObject(text=f"*Status*\n{status}"),
        MarkdownTextObject(text=f"*Severity*\n{severity}"),
        MarkdownTextObject(text=f"*Service*\n{escape(card.service or '—')}"),
        *_incident_fields(card),
    ]
    return [
        HeaderBlock(text=PlainTextObject(text=f"{card.ref} · {escape(card.title)}"[:150])),
        SectionBlock(block_id=Ids.CASE_ROOT_FIELDS, fields=fields),
        *_link_blocks(card),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Reply in this thread to add evidence; FaultMaven keeps working here."
                )
            ]
        ),
    ]


def _reporter(card: CaseCard) -> str:
    # An alert's reporter is a label from its payload; a person's is our own mention of their id.
    return escape(card.reporter_label) if card.reporter_label else f"<@{card.reporter_id}>"


def _incident_fields(card: CaseCard) -> list[MarkdownTextObject]:
    fields = []
    if card.incident_status:
        fields.append(MarkdownTextObject(text=f"*Incident*\n{escape(card.incident_status.capitalize())}"))
    if card.acknowledged_by:
        fields.append(MarkdownTextObject(text=f"*Acknowledged by*\n{escape(card.acknowledged_by)}"))
    if card.priority:
        fields.append(MarkdownTextObject(text=f"*Priority*\n{escape(card.priority)}"))
    return fields


def _link_blocks(card: CaseCard) -> list[Block]:
    if not card.links:
        return []
    text = " · ".join(_link(link) for link in card.links[:6])
    return [ContextBlock(block_id=Ids.CASE_LINKS, elements=[MarkdownTextObject(text=text)])]


def _link(link: CardLink) -> str:
    # Slack has no escape for `|` inside a link, so a label or url carrying one is shown as text.
    if "|" in link.url or "|" in link.label or not link.url.startswith(("https://", "http://")):
        return escape(f"{link.label}: {link.url}")
    return f"<{escape(link.url)}|{escape(link.label)}>"


def build_progress_blocks(stage: str) -> list[Block]:
    """The in-thread progress message, updated in place until the diagnosis replaces it."""
    return [SectionBlock(block_id=Ids.PROGRESS, text=MarkdownTextObject(text=f"🔎 *Investigating…* {stage}"))]
