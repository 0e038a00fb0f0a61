"""Blocks for an executed action: the result, verification, Undo / Roll back and "did it fix it?"."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.approvals import clip
from bot.blocks.mrkdwn import escape
from bot.ids import Ids


class ActionOutcome(BaseModel):
    """What an execution did, for the result message in the thread."""

    proposal_id: int
    case_ref: str
    purpose: str = "execute"
    action: str
    target: str
    ok: bool
    executor: str
    dry_run: bool
    summary: str
    output: str = ""
    can_roll_back: bool = False
    undo_until: datetime | None = None
    ask_if_fixed: bool = False
    verified: str | None = None


def action_outcome_text(outcome: ActionOutcome) -> str:
    """Notification fallback for a result message."""
    if outcome.dry_run:
        dry = f"🧪 Would run {outcome.action} on {outcome.target} (dry run, nothing was executed)"
        return escape(dry[:300])
    state = "✅" if outcome.ok else "❌"
    return escape(f"{state} {outcome.action} on {outcome.target}: {outcome.summary}"[:300])


def _headline(outcome: ActionOutcome) -> str:
    action, target = escape(outcome.action), escape(outcome.target)
    if outcome.dry_run:
        verb = "Would roll back" if outcome.purpose == "rollback" else "Would run"
        # Never "✅ Ran … via none": nothing ran, and the reader must not think otherwise.
        return f"🧪 *{verb} {action}* on `{target}` (dry run, nothing was executed)"
    state = "✅" if outcome.ok else "❌"
    verb = "Rollback of" if outcome.purpose == "rollback" else "Ran"
    return f"{state} *{verb} {action}* on `{target}` via {escape(outcome.executor)}"


def build_action_outcome_blocks(outcome: ActionOutcome, now: datetime | None = None) -> list[Block]:
    """The result of an execution, with Roll back / Undo and the "did it fix it?" question."""
    text = f"{_headline(outcome)}\n{escape(outcome.summary)}"
    blocks: list[Block] = [SectionBlock(block_id=Ids.ACTION_RESULT, text=MarkdownTextObject(text=clip(text)))]
    if outcome.output:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(f"```{escape(outcome.output[:2000])}```")))
        )
    if outcome.verified:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=VERIFIED_LINES.get(outcome.verified, outcome.verified))]
            )
        )
    buttons: list[ButtonElement] = []
    if outcome.ask_if_fixed and outcome.verified is None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="Did it fix it?")))
        buttons += [
            ButtonElement(
                action_id=Ids.ACTION_FIXED_BUTTON,
                text=PlainTextObject(text="Yes, fixed"),
                value=str(outcome.proposal_id),
                style="primary",
            ),
            ButtonElement(
                action_id=Ids.ACTION_NOT_FIXED_BUTTON,
                text=PlainTextObject(text="No"),
                value=str(outcome.proposal_id),
            ),
        ]
    undo_open = outcome.undo_until is not None and (now is None or now < outcome.undo_until)
    if outcome.can_roll_back and undo_open and outcome.undo_until is not None:
        epoch = int(outcome.undo_until.timestamp())
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Undo is open until "
                        f"<!date^{epoch}^{{time_secs}}|{outcome.undo_until:%H:%M:%S} UTC>"
                    )
                ]
            )
        )
        buttons.append(
            ButtonElement(
                action_id=Ids.ACTION_UNDO_BUTTON,
                text=PlainTextObject(text="Undo"),
                value=str(outcome.proposal_id),
                style="danger",
            )
        )
    elif outcome.can_roll_back:
        buttons.append(
            ButtonElement(
                action_id=Ids.ACTION_ROLLBACK_BUTTON,
                text=PlainTextObject(text="Roll back"),
                value=str(outcome.proposal_id),
            )
        )
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return blocks


VERIFIED_LINES = {
    "fixed": "👍 Confirmed fixed",
    "not_fixed": "👎 Reported not fixed — consider rolling back",
    "check_passed": "🔎 Verification check passed: the symptom is gone",
    "check_failed": "🔎 Verification check failed: the symptom is still there",
    "rolled_back": "↩️ Rolled back",
}
