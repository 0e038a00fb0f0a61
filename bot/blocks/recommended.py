"""A recommended action as a diagnosis shows it: its target and command filled from what the case knows,
with a visible "fill in" marker where nothing is known (Run… asks for those)."""

from __future__ import annotations

from pydantic import BaseModel

from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip
from engine.case_facts import CaseFacts, fill_placeholders, unfilled_placeholders
from engine.models import RecommendedAction

RISK_EMOJI = {"low": "🟢", "medium": "🟡", "high": "🟠", "critical": "🔴"}


class ShownAction(BaseModel):
    """An action's text as shown; `key` stays the stored action's, so Run… finds it again."""

    key: str
    title: str
    risk: str
    target: str
    command: str
    rollback: str
    unfilled: list[str]


def shown_action(action: RecommendedAction, facts: CaseFacts | None) -> ShownAction:
    """Placeholders the case can answer are filled (the same way the Run… modal fills them)."""
    facts = facts or CaseFacts()
    target = fill_placeholders(action.target or facts.service or "", facts)
    command = fill_placeholders(action.command, facts)
    return ShownAction(
        key=action.key,
        title=action.title,
        risk=action.risk.value,
        target=target,
        command=command,
        rollback=fill_placeholders(action.rollback, facts),
        unfilled=unfilled_placeholders(f"{target}\n{command}"),
    )


def in_code(text: str, limit: int | None = None) -> str:
    """Someone else's text inside a code span: clipped to one line, escaped, no backtick to break out."""
    return escape(clip(text, limit) if limit else text).replace("`", "'")


def fill_in_marker(shown: ShownAction, visible: str) -> str:
    """` · ✏️ fill in` when placeholders are left (naming those not already in `visible`), else nothing."""
    if not shown.unfilled:
        return ""
    hidden = [name for name in shown.unfilled if name not in visible]
    return " · ✏️ _fill in_" + "".join(f" `{in_code(name)}`" for name in hidden)


def action_line(shown: ShownAction, *, with_command: bool = True, title_limit: int | None = None) -> str:
    """Title, risk and target on one line, and the command below it unless `with_command` is off (the
    thread's compact message: the command is in the Run… modal and in Details)."""
    title = clip(shown.title, title_limit) if title_limit else shown.title
    line = f"{RISK_EMOJI.get(shown.risk, '•')} *{escape(title)}* · {shown.risk} risk"
    if shown.target:
        line += f" · on `{in_code(shown.target)}`"
    line += fill_in_marker(shown, shown.target if not with_command else f"{shown.target}\n{shown.command}")
    if shown.command and with_command:
        line += f"\n`{in_code(shown.command)}`"
    return line
