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

from bot.blocks.diagnosis import RISK_EMOJI
from bot.ids import Ids

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
    reason: str = ""
    requester: str
    policy: str
    level: str
    status: str
    approvals: list[str] = Field(default_factory=list)
    needed: int = 1
    approvers: list[str] = Field(default_factory=list)
    timeout_seconds: int = 300
    expires_at: datetime | None = None
    decided_by: str | None = None
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
    return f"{card.case_ref}: {verb} “{card.action}” on {card.target} ({card.status})"


def _facts(card: ProposalCard) -> SectionBlock:
    emoji = RISK_EMOJI.get(card.risk, "•")
    fields = [
        MarkdownTextObject(text=f"*Target*\n`{card.target}`"),
        MarkdownTextObject(text=f"*Risk*\n{emoji} {card.risk}"),
        MarkdownTextObject(text=f"*Requested by*\n<@{card.requester}>"),
        MarkdownTextObject(text=f"*Policy*\n{card.policy}"),
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
    return ", ".join(f"<!subteam^{a}>" if a.startswith("S") else f"<@{a}>" for a in approvers)


def _details(card: ProposalCard) -> str:
    lines = []
    if card.command:
        lines.append(f"*Command*\n```{card.command}```")
    if card.parameters:
        lines.append(
            "*Parameters*\n" + "\n".join(f"• `{k}` = `{v}`" for k, v in sorted(card.parameters.items()))
        )
    lines.append(
        "*Rollback plan*\n"
        + (f"`{card.rollback}`" if card.rollback else "_none given: this cannot be rolled back from Slack_")
    )
    if card.reason:
        lines.append(f"*Why*\n{card.reason}")
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
    template = STATUS_LINES.get(card.status, card.status)
    return template.format(
        voters=_who(card.approvals) if card.level == "hard" else "policy (no approval needed)",
        decided_by=card.decided_by or "someone",
        timeout=_duration(card.timeout_seconds),
    )


def build_approval_card_blocks(card: ProposalCard) -> list[Block]:
    """Action, target, parameters, risk, rollback, requester, policy, votes, time left; buttons if pending."""
    verb = "Roll back" if card.purpose == "rollback" else "Run"
    heading = "🛡️ *Approval needed*" if card.status == "pending" else "🛡️ *Action request*"
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.APPROVAL_CARD,
            text=MarkdownTextObject(text=clip(f"{heading} · {card.case_ref}\n*{verb}:* {card.action}")),
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


def build_approval_info_modal(card: ProposalCard, hypotheses: list[str], evidence: list[str]) -> View:
    """The evidence behind a proposal, so nobody approves blindly."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=clip(f"*{card.action}* on `{card.target}` · {card.case_ref}"))
        ),
        SectionBlock(text=MarkdownTextObject(text=clip(_details(card)))),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    "*What the diagnosis believes*\n"
                    + ("\n".join(f"• {h}" for h in hypotheses) or "_no diagnosis yet_")
                )
            )
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    "*Seen in the case*\n"
                    + ("\n".join(f"• {e}" for e in evidence) or "_nothing observed yet_")
                )
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=f"Policy: {card.policy} · status: {card.status}")]),
    ]
    return View(
        type="modal",
        callback_id=Ids.APPROVAL_INFO_MODAL,
        title=PlainTextObject(text="Action request"),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )
