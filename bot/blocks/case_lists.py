"""Ephemeral answers to `/faultmaven list` and `/faultmaven status FM-12`."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.memory import HOW
from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip, duration
from bot.ids import Ids

STATUS_EMOJI = {"investigating": "🔎", "mitigated": "🩹", "resolved": "✅"}
SEVERITY_EMOJI = {"low": "⚪", "medium": "🟡", "high": "🟠", "critical": "🔴"}


class CaseLine(BaseModel):
    ref: str
    title: str
    status: str
    severity: str
    service: str | None = None
    channel_id: str
    link: str | None = None
    age_s: int


class CaseListView(BaseModel):
    lines: list[CaseLine]
    all_channels: bool
    channel_id: str
    more: bool = False


class CaseStatusView(BaseModel):
    case: CaseLine
    reporter_id: str
    diagnosis: str | None = None
    level: str | None = None
    resolved_in_s: int | None = None
    stated_fix: str | None = None


def _ref(line: CaseLine) -> str:
    return f"<{escape(line.link)}|{line.ref}>" if line.link else line.ref


def case_summary(line: CaseLine, with_channel: bool) -> str:
    """One line per case: status, linked ref, title, severity, age, service, channel."""
    parts = [
        f"{STATUS_EMOJI.get(line.status, '•')} *{_ref(line)}* {escape(clip(line.title, 120))}",
        f"{SEVERITY_EMOJI.get(line.severity, '')} {line.severity}",
        f"opened {duration(line.age_s)} ago",
    ]
    if line.service:
        parts.append(f"`{escape(clip(line.service, 60))}`")
    if with_channel:
        parts.append(f"<#{line.channel_id}>")
    return " · ".join(parts)


def build_case_list_blocks(view: CaseListView) -> list[Block]:
    """Open cases, newest first, each linking to its thread."""
    where = "in all channels" if view.all_channels else f"in <#{view.channel_id}>"
    if not view.lines:
        text = f"No open cases {where}. 🎉"
        return [SectionBlock(block_id=Ids.CASE_LIST, text=MarkdownTextObject(text=text))]
    count = f"{len(view.lines)}{'+' if view.more else ''}"
    head = f"*{count} open case{'s' if len(view.lines) != 1 else ''} {where}*"
    body = "\n".join(case_summary(line, view.all_channels) for line in view.lines)
    blocks: list[Block] = [
        SectionBlock(block_id=Ids.CASE_LIST, text=MarkdownTextObject(text=f"{head}\n{body}"[:2900]))
    ]
    if view.more:
        hint = "Only the newest are shown; `/faultmaven status FM-12` shows any case."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return blocks


def build_case_status_blocks(view: CaseStatusView) -> list[Block]:
    """One case at a glance: status, who reported it, the current diagnosis, how it ended."""
    lines = [case_summary(view.case, with_channel=True), f"Reported by <@{view.reporter_id}>"]
    if view.diagnosis:
        lines.append(f"*Diagnosis:* {escape(clip(view.diagnosis, 400))}")
    if view.level is not None and view.resolved_in_s is not None:
        how = HOW.get(view.level, "resolved")
        lines.append(f"*Resolved* {how} in {duration(view.resolved_in_s)}")
    if view.stated_fix:
        lines.append(f"*Fix:* {escape(clip(view.stated_fix, 400))}")
    return [SectionBlock(block_id=Ids.CASE_STATUS, text=MarkdownTextObject(text="\n".join(lines)))]
