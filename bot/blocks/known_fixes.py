"""Known fixes: the promotion card with its evidence, and the approve / reject forms."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip, duration
from bot.ids import Ids

NAME_LIMIT = 200
TEXT_LIMIT = 2000


class KnownFixCard(BaseModel):
    fix_id: int
    problem: str
    fix_text: str
    cases: list[str]
    successes: int
    trials: int
    low: float
    high: float
    median_ttr_s: float | None = None
    status: str = "proposed"
    reviewer: str | None = None
    name: str | None = None
    notes: str | None = None
    reason: str | None = None

    @property
    def ref(self) -> str:
        """KF-3."""
        return f"KF-{self.fix_id}"


class KnownFixTarget(BaseModel):
    """What the approve / reject forms carry in private_metadata."""

    fix_id: int
    channel_id: str | None = None


def known_fix_card_text(card: KnownFixCard) -> str:
    """Notification fallback."""
    return f"{card.ref}: proposed known fix, resolved {card.successes}/{card.trials} times"


def _decision(card: KnownFixCard) -> str:
    who = f"<@{card.reviewer}>" if card.reviewer else "a reviewer"
    if card.status == "approved":
        notes = f" — {escape(clip(card.notes, 300))}" if card.notes else ""
        name = escape(clip(card.name or "", 120))
        return f"✅ Approved by {who} as *{name}*{notes}. Matched first on new cases."
    if card.status == "rejected":
        return f"🗑️ Rejected by {who}: {escape(clip(card.reason or '', 300))}"
    if card.status == "disabled":
        return f"⏸️ Disabled by {who}; new cases get a full diagnosis again."
    return "Reviewers: approve it with a name and notes, or reject it with a reason."


def build_known_fix_card_blocks(card: KnownFixCard) -> list[Block]:
    """What was proven, on which cases, how well; and the review buttons while it is undecided."""
    cases = ", ".join(card.cases[:10]) + (f" and {len(card.cases) - 10} more" if len(card.cases) > 10 else "")
    median = (
        f", median time to resolution {duration(card.median_ttr_s)}" if card.median_ttr_s is not None else ""
    )
    text = (
        f"🏅 *Proposed known fix {card.ref}:* {escape(clip(card.fix_text, 300))}\n"
        f"*Problem:* {escape(card.problem)}\n"
        f"*Evidence:* resolved {card.successes}/{card.trials} times "
        f"(95% interval {card.low:.0%}–{card.high:.0%}){median}; cases {cases}"
    )
    blocks: list[Block] = [
        SectionBlock(block_id=Ids.KNOWN_FIX_CARD, text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=_decision(card))]),
    ]
    value = str(card.fix_id)
    if card.status == "proposed":
        approve = ButtonElement(
            text="Approve…", action_id=Ids.KNOWN_FIX_APPROVE_BUTTON, value=value, style="primary"
        )
        reject = ButtonElement(
            text="Reject…", action_id=Ids.KNOWN_FIX_REJECT_BUTTON, value=value, style="danger"
        )
        blocks.append(ActionsBlock(elements=[approve, reject]))
    elif card.status == "approved":
        disable = ButtonElement(text="Disable", action_id=Ids.KNOWN_FIX_DISABLE_BUTTON, value=value)
        blocks.append(ActionsBlock(elements=[disable]))
    return blocks


def _field(
    block_id: Ids, label: str, initial: str | None, multiline: bool, optional: bool = False
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=Ids.KNOWN_FIX_INPUT,
            initial_value=initial or None,
            multiline=multiline,
            max_length=TEXT_LIMIT if multiline else NAME_LIMIT,
        ),
    )


def build_known_fix_approve_modal(target: KnownFixTarget, suggested_name: str) -> View:
    """A name people will recognise, and notes for whoever meets it next."""
    return View(
        type="modal",
        callback_id=Ids.KNOWN_FIX_APPROVE_MODAL,
        title=PlainTextObject(text=f"Approve KF-{target.fix_id}"[:24]),
        submit=PlainTextObject(text="Approve"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=target.model_dump_json(),
        blocks=[
            _field(Ids.KNOWN_FIX_NAME, "Name", suggested_name[:NAME_LIMIT], multiline=False),
            _field(Ids.KNOWN_FIX_NOTES, "Notes", None, multiline=True, optional=True),
        ],
    )


def build_known_fix_reject_modal(target: KnownFixTarget) -> View:
    """Why it should not be matched first."""
    return View(
        type="modal",
        callback_id=Ids.KNOWN_FIX_REJECT_MODAL,
        title=PlainTextObject(text=f"Reject KF-{target.fix_id}"[:24]),
        submit=PlainTextObject(text="Reject"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=target.model_dump_json(),
        blocks=[_field(Ids.KNOWN_FIX_REASON, "Reason", None, multiline=True)],
    )


class QueuedKnownFix(BaseModel):
    ref: str
    text: str
    link: str | None = None


def build_known_fix_queue_blocks(queued: list[QueuedKnownFix]) -> list[Block]:
    """Proposed known fixes under the review queue, each linked to its card; nothing when none wait."""
    if not queued:
        return []
    lines = [f"🏅 *Known fixes waiting for review ({len(queued)})*"]
    for item in queued[:10]:
        ref = f"<{escape(item.link)}|{item.ref}>" if item.link else item.ref
        lines.append(f"• *{ref}* {escape(clip(item.text, 200))}")
    return [SectionBlock(block_id=Ids.KNOWN_FIX_QUEUE, text=MarkdownTextObject(text="\n".join(lines)[:2900]))]
