"""Blocks for a diagnosis: summary, hypotheses with confidence, checks, actions with risk."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.mrkdwn import escape
from bot.ids import Ids
from engine.models import Diagnosis, Observation, RecommendedAction

RISK_EMOJI = {"low": "🟢", "medium": "🟡", "high": "🟠", "critical": "🔴"}
# Slack rejects section text over 3000 characters.
MAX_SECTION = 2900


def _bar(confidence: float) -> str:
    filled = round(confidence * 10)
    return "▰" * filled + "▱" * (10 - filled)


def _section(text: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text[:MAX_SECTION]))


def _in_code(text: str) -> str:
    """Text someone else wrote, for inside a code span: escaped, and no backtick to break out of it."""
    return escape(text).replace("`", "'")


def seen_line(observation: Observation) -> str:
    """One observed evidence line (mrkdwn): the exact quote and where it was seen."""
    return f"Seen: `{_in_code(observation.quote)}` {observation.where()}"


def _action_line(action: RecommendedAction) -> str:
    line = f"{RISK_EMOJI.get(action.risk.value, '•')} *{escape(action.title)}* ({action.risk.value} risk)"
    if action.target:
        line += f" on `{escape(action.target)}`"
    if action.command:
        line += f"\n    `{escape(action.command)}`"
    if action.rollback:
        line += f"\n    _Rollback:_ `{escape(action.rollback)}`"
    return line


def diagnosis_text(case_ref: str, diagnosis: Diagnosis) -> str:
    """Notification fallback for a diagnosis message."""
    return f"{case_ref} diagnosis: {escape(diagnosis.summary)}"


def build_followup_blocks(
    case_ref: str, diagnosis: Diagnosis, previous: Diagnosis | None, case_id: int | None = None
) -> list[Block]:
    """An answer to a thread reply: what changed, the re-ranked hypotheses, and only new checks/actions."""
    if previous is None:
        return build_diagnosis_blocks(case_ref, diagnosis, heading="Updated diagnosis", case_id=case_id)
    seen_checks = {c for h in previous.hypotheses for c in h.checks} | set(previous.next_steps)
    seen_actions = {a.title for a in previous.recommended_actions}
    return build_diagnosis_blocks(
        case_ref,
        diagnosis,
        heading="Updated diagnosis",
        skip_checks=seen_checks,
        skip_actions=seen_actions,
        case_id=case_id,
    )


def build_diagnosis_blocks(
    case_ref: str,
    diagnosis: Diagnosis,
    heading: str = "Diagnosis",
    skip_checks: set[str] | None = None,
    skip_actions: set[str] | None = None,
    case_id: int | None = None,
) -> list[Block]:
    """A full diagnosis, readable top to bottom; `skip_*` leave out what the thread already shows.

    With `case_id`, each recommended action gets a Run… button.
    """
    skip_checks = skip_checks or set()
    skip_actions = skip_actions or set()
    category = diagnosis.category.value.replace("_", " ")
    blocks: list[Block] = [
        _section(
            f"🧭 *{heading} for {case_ref}*\n{escape(diagnosis.summary)}\n"
            f"*Category:* {category}   *Severity:* {diagnosis.severity.value}",
            block_id=Ids.DIAGNOSIS_SUMMARY,
        )
    ]
    if diagnosis.note:
        # A degraded answer (Claude down, unsafe actions removed) must be visible, not silent.
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"⚠️ {escape(diagnosis.note)}"[:MAX_SECTION])])
        )
    if diagnosis.changes:
        blocks.append(_section("*What changed*\n" + "\n".join(f"• {escape(c)}" for c in diagnosis.changes)))
    if diagnosis.hypotheses:
        lines = []
        for n, h in enumerate(diagnosis.hypotheses, start=1):
            lines.append(f"*{n}. {escape(h.cause)}*  `{_bar(h.confidence)}` {round(h.confidence * 100)}%")
            lines.extend(f"    • {seen_line(o)}" for o in h.observed[:3])
            fresh = [c for c in h.checks if c not in skip_checks][:1]
            lines.extend(f"    • Would confirm: `{_in_code(c)}`" for c in fresh)
        blocks.append(_section("*Hypotheses*\n" + "\n".join(lines)))
    checks = list(dict.fromkeys(c for h in diagnosis.hypotheses for c in h.checks if c not in skip_checks))
    if checks:
        blocks.append(_section("*Checks to run*\n" + "\n".join(f"• `{escape(c)}`" for c in checks[:5])))
    next_steps = [step for step in diagnosis.next_steps if step not in skip_checks]
    if next_steps:
        blocks.append(
            _section("*Next steps*\n" + "\n".join(f"{n}. {escape(s)}" for n, s in enumerate(next_steps, 1)))
        )
    actions = [a for a in diagnosis.recommended_actions if a.title not in skip_actions]
    if actions:
        lines = [_action_line(action) for action in actions[:4]]
        if case_id is None:
            blocks.append(_section("*Recommended actions*\n" + "\n".join(lines)))
        else:
            # One section per action, so each carries its own Run… button (the policy decides what follows).
            blocks.append(_section("*Recommended actions*"))
            blocks.extend(
                SectionBlock(
                    text=MarkdownTextObject(text=line[:MAX_SECTION]),
                    accessory=ButtonElement(
                        action_id=Ids.ACTION_RUN_BUTTON,
                        text=PlainTextObject(text="Run…"),
                        value=f"{case_id}:{action.key}",
                    ),
                )
                for line, action in zip(lines, actions[:4], strict=False)
            )
    if diagnosis.questions:
        blocks.append(
            _section(
                "*To narrow it down, tell me:*\n" + "\n".join(f"❓ {escape(q)}" for q in diagnosis.questions)
            )
        )
    source = escape(diagnosis.engine + (f" · {diagnosis.model}" if diagnosis.model else ""))
    blocks.append(DividerBlock())
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Engine: {source} · reply in this thread to add evidence")]
        )
    )
    return blocks
