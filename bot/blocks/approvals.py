"""Blocks for proposed actions: the approval card, its More info modal, and the result with Roll back."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.diagnosis import seen_line
from bot.blocks.mrkdwn import escape, escape_to_fit
from bot.blocks.recommended import RISK_EMOJI
from bot.blocks.run_action import who_may_approve
from bot.ids import Ids
from engine.models import Observation

MAX_TEXT = 2900

STATUS_LINES = {
    "approved": "✅ Approved by {voters} — running now",
    "running": "⚙️ Approved by {voters} — running",
    "succeeded": "✅ Done · approved by {voters}",
    "failed": "❌ Ran and failed · approved by {voters}",
    "denied": "⛔ Denied by <@{decided_by}>",
    "expired": "⌛ Expired: nobody decided within {timeout}, so it was not run",
    "forbidden": "🚫 Forbidden by policy: this is never run from Slack",
    "undone": "↩️ Done, then rolled back",
    "withdrawn": "↩️ Withdrawn: the case was resolved before anyone decided, so it was not run",
}


class ProposalCard(BaseModel):
    """What the approval card shows; built by jobs from the stored proposal."""

    proposal_id: int
    case_ref: str
    purpose: str = "execute"
    action: str
    target: str
    parameters: dict[str, str] = Field(default_factory=dict)
    command: str = ""
    risk: str
    rollback: str = ""
    # False for prose ("n/a (clients reconnect)"): shown as guidance, never offered as Roll back.
    rollback_runnable: bool = False
    reason: str = ""
    requester: str
    # Who the card @-mentions while it waits: the policy's approvers, else the channel's on-call group.
    notify: list[str] = Field(default_factory=list)
    policy: str
    level: str
    status: str
    approvals: list[str] = Field(default_factory=list)
    needed: int = 1
    approvers: list[str] = Field(default_factory=list)
    timeout_seconds: int = 300
    expires_at: datetime | None = None
    decided_by: str | None = None
    # What the person who denied it said (optional); quoted on the card and in the thread.
    deny_reason: str = ""
    dry_run: bool = True


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep text under Slack's section limit."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _who(users: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in users) or "nobody yet"


def _duration(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds} s"


def approval_card_text(card: ProposalCard) -> str:
    """Notification fallback for the card."""
    verb = "Roll back" if card.purpose == "rollback" else "Run"
    ask = f" · approval needed from {who_may_approve(card.notify)}" if _asks(card) else ""
    return f"{card.case_ref}: {verb} “{escape(card.action)}” on {escape(card.target)} ({card.status}){ask}"


def _asks(card: ProposalCard) -> bool:
    return card.status == "pending" and bool(card.notify)


def _facts(card: ProposalCard) -> SectionBlock:
    emoji = RISK_EMOJI.get(card.risk, "•")
    fields = [
        MarkdownTextObject(text=f"*Target*\n`{escape(card.target)}`"),
        MarkdownTextObject(text=f"*Risk*\n{emoji} {card.risk}"),
        MarkdownTextObject(text=f"*Requested by*\n<@{card.requester}>"),
        MarkdownTextObject(text=f"*Policy*\n{escape(card.policy)}"),
    ]
    if card.level == "hard":
        fields.append(
            MarkdownTextObject(
                text=f"*Approvals*\n{len(card.approvals)} of {card.needed}: {_who(card.approvals)}"
            )
        )
        if card.approvers:
            fields.append(MarkdownTextObject(text=f"*Who may approve*\n{_who_may(card.approvers)}"))
    return SectionBlock(fields=fields)


def _who_may(approvers: list[str]) -> str:
    return who_may_approve(approvers)


def _details(card: ProposalCard) -> str:
    lines = []
    if card.command:
        lines.append(f"*Command*\n```{escape(card.command)}```")
    if card.parameters:
        lines.append(
            "*Parameters*\n"
            + "\n".join(f"• `{escape(k)}` = `{escape(v)}`" for k, v in sorted(card.parameters.items()))
        )
    if not card.rollback:
        lines.append("*Rollback plan*\n_none given: this cannot be rolled back from Slack_")
    elif card.rollback_runnable:
        lines.append(f"*Rollback plan*\n`{escape(card.rollback)}`")
    else:
        lines.append(f"*Rollback guidance* (for people; not runnable from Slack)\n{escape(card.rollback)}")
    if card.reason:
        lines.append(f"*Why*\n{escape(card.reason)}")
    return "\n".join(lines)


def _status_line(card: ProposalCard) -> str:
    if card.status == "pending":
        if card.expires_at is None:
            return "⏳ Waiting for approval"
        epoch = int(card.expires_at.timestamp())
        fallback = card.expires_at.strftime("%H:%M UTC")
        return (
            f"⏳ Waiting for approval · auto-denies <!date^{epoch}^{{time}}|at {fallback}> "
            f"({_duration(card.timeout_seconds)} after it was asked)"
        )
    if card.dry_run and card.status == "succeeded":
        return "🧪 Dry run finished: nothing was executed"
    template = STATUS_LINES.get(card.status, card.status)
    line = template.format(
        voters=_who(card.approvals) if card.level == "hard" else "policy (no approval needed)",
        decided_by=escape(card.decided_by or "someone"),
        timeout=_duration(card.timeout_seconds),
    )
    if card.status == "denied" and card.deny_reason:
        line += f": “{escape_to_fit(card.deny_reason, 500)}”"
    return line


def build_approval_card_blocks(card: ProposalCard) -> list[Block]:
    """Action, target, parameters, risk, rollback, requester, policy, votes, time left; buttons if pending."""
    verb = "Roll back" if card.purpose == "rollback" else "Run"
    heading = "🛡️ *Approval needed*" if card.status == "pending" else "🛡️ *Action request*"
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.APPROVAL_CARD,
            text=MarkdownTextObject(
                text=clip(f"{heading} · {card.case_ref}\n*{verb}:* {escape(card.action)}")
            ),
        ),
        _facts(card),
        SectionBlock(text=MarkdownTextObject(text=clip(_details(card)))),
    ]
    if card.dry_run:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="🧪 Dry run: the executor only reports what it would do "
                        "(an operator can turn execution on)"
                    )
                ]
            )
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=_status_line(card))))
    if _asks(card):
        blocks.append(
            SectionBlock(
                block_id=Ids.APPROVAL_MENTION,
                text=MarkdownTextObject(text=f"📣 {who_may_approve(card.notify)}: your approval is needed"),
            )
        )
    buttons = [
        ButtonElement(
            action_id=Ids.APPROVAL_INFO_BUTTON,
            text=PlainTextObject(text="More info"),
            value=str(card.proposal_id),
        )
    ]
    if card.status == "pending":
        buttons = [
            ButtonElement(
                action_id=Ids.APPROVAL_APPROVE_BUTTON,
                text=PlainTextObject(text="Approve"),
                value=str(card.proposal_id),
                style="primary",
            ),
            ButtonElement(
                action_id=Ids.APPROVAL_DENY_BUTTON,
                text=PlainTextObject(text="Deny"),
                value=str(card.proposal_id),
                style="danger",
                confirm=ConfirmObject(
                    title="Deny this action?",
                    text="A deny ends the request; someone would have to propose it again.",
                    confirm="Deny",
                    deny="Cancel",
                ),
            ),
            *buttons,
        ]
    blocks.append(ActionsBlock(elements=buttons))
    return blocks


def build_approval_info_modal(
    card: ProposalCard,
    hypotheses: list[str],
    evidence: list[Observation],
    thread: list[tuple[str, str]] | None = None,
) -> View:
    """The evidence behind a proposal (only what was observed), so nobody approves blindly.

    `thread`: the latest (author id, text) pairs.
    """
    lines = [f"• {seen_line(o)}" for o in evidence]
    lines += [f"• <@{author}>: {escape(text)}" for author, text in thread or []]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(f"*{escape(card.action)}* on `{escape(card.target)}` · {card.case_ref}")
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=clip(_details(card)))),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    "*What the diagnosis believes*\n"
                    + ("\n".join(f"• {escape(h)}" for h in hypotheses) or "_no diagnosis yet_")
                )
            )
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip("*Seen in the case*\n" + ("\n".join(lines) or "_nothing observed yet_"))
            )
        ),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Policy: {escape(card.policy)} · status: {card.status}")]
        ),
    ]
    return View(
        type="modal",
        callback_id=Ids.APPROVAL_INFO_MODAL,
        title=PlainTextObject(text="Action request"),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )
