"""A runbook's next version drafted from a failure: the review card (failure context and a compact diff
against the parent), the reject-with-reason form, and the lineage shown by `runbook show`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.mrkdwn import escape, escape_to_fit
from bot.blocks.runbook_drafts import approvers_label, is_pending
from bot.ids import Ids
from engine.runbooks.models import Runbook, RunbookStatus

DIFF_LINES = 30
DIFF_LINE_WIDTH = 110
DIFF_LIMIT = 2800
REASON_LIMIT = 1000


class RevisionCard(BaseModel):
    """What a reviewer needs: v2, where and why its parent failed, what fixed the case, the diff."""

    runbook: Runbook
    parent_ref: str
    parent_version: int
    case_ref: str
    failure: str  # the failure kind, as words
    reason: str
    evidence: list[str] = Field(default_factory=list)
    failed_votes: int = 0
    worked_votes: int = 0
    stated_fix: str = ""
    diff: list[str] = Field(default_factory=list)
    note: str | None = None
    rejection_reason: str | None = None


class RevisionTarget(BaseModel):
    """The reject form's private metadata."""

    runbook_id: int
    channel_id: str | None = None


class LineageEntry(BaseModel):
    """One version in a runbook's history."""

    ref: str
    version: int
    status: str
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    times_used: int = 0
    times_worked: int = 0
    times_suggested: int = 0
    failure: str | None = None  # why its parent failed, for a version drafted from a failure
    case_ref: str | None = None


def revision_card_text(card: RevisionCard) -> str:
    """Notification fallback."""
    version = f"v{card.runbook.version} of {card.parent_ref}"
    return f"📝 {card.runbook.ref} is {version}, drafted after it failed on {card.case_ref}"


def diff_block_text(lines: list[str]) -> str:
    """The diff as a code block: every line escaped and clipped, at most DIFF_LINES of them."""
    shown = [escape_to_fit(line.replace("```", "ˋˋˋ"), DIFF_LINE_WIDTH) for line in lines[:DIFF_LINES]]
    if len(lines) > DIFF_LINES:
        shown.append(f"… {len(lines) - DIFF_LINES} more lines (View shows the whole runbook)")
    added = sum(1 for line in lines if line.startswith("+"))
    removed = sum(1 for line in lines if line.startswith("-"))
    body = "\n".join(shown)[:DIFF_LIMIT] or "(no change)"
    return f"*Changes against the parent* (+{added} −{removed} lines)\n```{body}```"


def _decision_line(card: RevisionCard, reviewers: tuple[str, ...]) -> str:
    runbook = card.runbook
    if runbook.status is RunbookStatus.ACTIVE:
        return (
            f"✅ Approved by <@{runbook.reviewer}> — {runbook.ref} is active; {card.parent_ref} was retired"
        )
    if runbook.status is RunbookStatus.ARCHIVED:
        why = f": {escape(card.rejection_reason)}" if card.rejection_reason else ""
        return f"🗑️ Rejected by <@{runbook.reviewer}>{why} — {card.parent_ref} stays active"
    return f"Pending review · may approve: {approvers_label(runbook, reviewers)}"


def revision_buttons(runbook: Runbook) -> ActionsBlock:
    """View / Approve / Edit / Reject… (the reject form asks why)."""
    value = str(runbook.id)
    return ActionsBlock(
        elements=[
            ButtonElement(action_id=Ids.RUNBOOK_VIEW_BUTTON, text=PlainTextObject(text="View"), value=value),
            ButtonElement(
                action_id=Ids.RUNBOOK_APPROVE_BUTTON,
                text=PlainTextObject(text="Approve"),
                value=value,
                style="primary",
            ),
            ButtonElement(action_id=Ids.RUNBOOK_EDIT_BUTTON, text=PlainTextObject(text="Edit"), value=value),
            ButtonElement(
                action_id=Ids.RUNBOOK_REVISION_REJECT_BUTTON,
                text=PlainTextObject(text="Reject…"),
                value=value,
                style="danger",
            ),
        ]
    )


def failure_context(card: RevisionCard) -> str:
    """Where and why the parent failed, and what fixed the case instead."""
    votes = f"❌ {card.failed_votes} · ✅ {card.worked_votes}"
    lines = [
        f"*Why {card.parent_ref} v{card.parent_version} failed on {card.case_ref}:* "
        f"{escape(card.failure)} — {escape_to_fit(card.reason, 400)} ({votes})",
        *(f"> {escape_to_fit(quote, 300)}" for quote in card.evidence[:3] if quote != card.stated_fix),
    ]
    if card.stated_fix:
        lines.append(f"*Resolved instead by:* {escape_to_fit(card.stated_fix, 500)}")
    return "\n".join(lines)


def build_revision_card_blocks(card: RevisionCard, reviewers: tuple[str, ...] = ()) -> list[Block]:
    """The card in the case thread (and the review queue's detail): context, diff, decision."""
    runbook = card.runbook
    blocks: list[Block] = [
        HeaderBlock(
            block_id=Ids.RUNBOOK_REVISION,
            text=PlainTextObject(text=escape_to_fit(f"📝 v{runbook.version}: {runbook.title}", 150)),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{runbook.ref} · next version of {card.parent_ref} · drafted from {card.case_ref}"
                )
            ]
        ),
        SectionBlock(text=MarkdownTextObject(text=failure_context(card))),
        SectionBlock(text=MarkdownTextObject(text=diff_block_text(card.diff))),
    ]
    if card.note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"ℹ️ {escape(card.note)}")]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_decision_line(card, reviewers))]))
    if is_pending(runbook):
        blocks.append(revision_buttons(runbook))
    return blocks


def build_revision_reject_modal(target: RevisionTarget) -> View:
    """Why this version should not replace its parent."""
    return View(
        type="modal",
        callback_id=Ids.RUNBOOK_REVISION_REJECT_MODAL,
        title=PlainTextObject(text=f"Reject RB-{target.runbook_id:04d}"[:24]),
        submit=PlainTextObject(text="Reject"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=target.model_dump_json(),
        blocks=[
            InputBlock(
                block_id=Ids.RUNBOOK_REVISION_REASON,
                label=PlainTextObject(text="Reason"),
                element=PlainTextInputElement(
                    action_id=Ids.RUNBOOK_REVISION_INPUT, multiline=True, max_length=REASON_LIMIT
                ),
            )
        ],
    )


def _lineage_line(entry: LineageEntry, current: str) -> str:
    parts = [f"*{entry.ref} v{entry.version}*" if entry.ref == current else f"{entry.ref} v{entry.version}"]
    parts.append(entry.status.replace("_", " "))
    if entry.reviewer and entry.reviewed_at and entry.status in ("active", "retired"):
        parts.append(f"approved by <@{entry.reviewer}> {entry.reviewed_at:%Y-%m-%d %H:%M} UTC")
    elif entry.reviewer and entry.reviewed_at and entry.status == "archived":
        parts.append(f"rejected by <@{entry.reviewer}> {entry.reviewed_at:%Y-%m-%d %H:%M} UTC")
    if entry.failure and entry.case_ref:
        parts.append(f"drafted after {escape(entry.failure)} on {entry.case_ref}")
    worked = f"worked {entry.times_worked}/{entry.times_used}" if entry.times_used else "no votes yet"
    parts.append(f"{worked}, suggested {entry.times_suggested}×")
    return " · ".join(parts)


def build_lineage_blocks(entries: list[LineageEntry], current: str) -> list[Block]:
    """`runbook show`: v1 → v2 → …, who approved each and when, and how each has done."""
    if len(entries) < 2:
        return []
    chain = " → ".join(f"{e.ref} v{e.version}" for e in entries)
    lines = [f"*History:* {chain}", *(f"• {_lineage_line(e, current)}" for e in entries[:10])]
    return [SectionBlock(block_id=Ids.RUNBOOK_LINEAGE, text=MarkdownTextObject(text="\n".join(lines)[:2900]))]


# Each card is up to seven blocks: three keep the ephemeral queue well under Slack's 50.
MAX_QUEUED = 3


def build_revision_queue_blocks(cards: list[RevisionCard], reviewers: tuple[str, ...] = ()) -> list[Block]:
    """Next versions waiting for review, each with its failure context and diff; nothing when none wait."""
    if not cards:
        return []
    heading = f"🔁 *Next versions of failed runbooks waiting for review ({len(cards)})*"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    for card in cards[:MAX_QUEUED]:
        blocks.extend(build_revision_card_blocks(card, reviewers))
    if len(cards) > MAX_QUEUED:
        rest = ", ".join(c.runbook.ref for c in cards[MAX_QUEUED:])
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {rest}")]))
    return blocks
