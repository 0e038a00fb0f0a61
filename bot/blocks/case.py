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

from bot.blocks.mrkdwn import escape, escape_to_fit
from bot.ids import Ids
from engine.reports import first_lines, is_long_paste

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
    # A person's choice (form, alert source); without one `severity` is shown as FaultMaven's guess.
    reported_severity: str | None = None
    # The engine's severity from the latest diagnosis: shown beside a person's choice, never over it.
    suggested_severity: str | None = None
    # The report as stored (redacted at intake); long pastes are shown by their first lines.
    report: str = ""
    service: str | None = None
    source: str = "slash"
    # Incident cases (PagerDuty, Alertmanager): shown only when set, so other cards are unchanged.
    reporter_label: str | None = None
    incident_status: str | None = None
    acknowledged_by: str | None = None
    priority: str | None = None
    links: list[CardLink] = Field(default_factory=list)
    # The latest diagnosis's headline: an investigating case that has one shows "Diagnosed — …".
    diagnosis_headline: str | None = None


def case_root_text(card: CaseCard) -> str:
    """Notification fallback for the root message."""
    return f"{card.ref}: {escape(card.title)} ({card.status}, {card.reported_severity or card.severity})"


def build_case_root_blocks(card: CaseCard) -> list[Block]:
    """The case's root message: the thread everything else hangs off."""
    status = status_text(card)
    reporter = escape(card.reporter_label) if card.reporter_label else f"<@{card.reporter_id}>"
    fields = [
        MarkdownTextObject(text=f"*Reporter*\n{reporter}"),
        MarkdownTextObject(text=f"*Status*\n{status}"),
        MarkdownTextObject(text=f"*Severity*\n{severity_text(card)}"),
        MarkdownTextObject(text=f"*Service*\n{escape_to_fit(card.service or '—', 200)}"),
        *_incident_fields(card),
    ]
    return [
        HeaderBlock(text=PlainTextObject(text=f"{card.ref} · {escape(card.title)}"[:150])),
        *_report_blocks(card),
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


def status_text(card: CaseCard) -> str:
    """🔎 Investigating until a diagnosis is posted, then 🧭 Diagnosed — its headline; 🩹 / ✅ after."""
    if card.status == "investigating" and card.diagnosis_headline:
        return f"🧭 Diagnosed — {escape_to_fit(card.diagnosis_headline, 200)}"
    return f"{STATUS_EMOJI.get(card.status, '•')} {card.status.capitalize()}"


def _severity_label(severity: str) -> str:
    return f"{SEVERITY_EMOJI.get(severity, '•')} {severity.capitalize()}"


def severity_text(card: CaseCard) -> str:
    """A person's severity with FaultMaven's differing suggestion beside it; else the marked guess."""
    if card.reported_severity:
        chosen = _severity_label(card.reported_severity)
        suggested = card.suggested_severity
        if suggested and suggested != card.reported_severity:
            return f"{chosen}\n_FaultMaven suggests {_severity_label(suggested)}_"
        return chosen
    return f"{_severity_label(card.suggested_severity or card.severity)} (guess)"


def _report_blocks(card: CaseCard) -> list[Block]:
    """The report itself: slash-command text is seen only by its sender, so the card shows it."""
    report = card.report.strip()
    if not report or report == card.title.strip():
        return []
    if not is_long_paste(report):
        # Slack folds a long section behind "Show more", which keeps the card short but complete.
        text = f"*Report*\n{escape_to_fit(report, 2_900)}"
        return [SectionBlock(block_id=Ids.CASE_REPORT, text=MarkdownTextObject(text=text))]
    excerpt = first_lines(report)
    more = f"{excerpt.omitted_lines} more lines" if excerpt.omitted_lines else "The rest"
    return [
        SectionBlock(
            block_id=Ids.CASE_REPORT,
            text=MarkdownTextObject(text=f"*Report*\n{escape_to_fit(excerpt.text, 2_900)}"),
        ),
        ContextBlock(
            block_id=Ids.CASE_REPORT_SNIPPET,
            elements=[MarkdownTextObject(text=f"📎 {more}: the full report is the snippet in this thread.")],
        ),
    ]


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
