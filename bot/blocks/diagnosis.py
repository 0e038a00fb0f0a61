"""A diagnosis in the thread, compact enough for one laptop screen: the headline, up to three causes (one
line each), the three best next checks and the recommended actions with Run…; everything else is behind
**Details** (bot/blocks/diagnosis_details.py). A follow-up shows only what changed and what is new."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.mrkdwn import escape, escape_to_fit
from bot.blocks.plain import clip
from bot.blocks.recommended import RISK_EMOJI, action_line, in_code, shown_action
from bot.ids import Ids
from engine.case_facts import CaseFacts, fill_placeholders
from engine.changes import NO_CHANGE
from engine.models import Diagnosis, Hypothesis, Observation, RecommendedAction

# Slack rejects section text over 3000 characters.
MAX_SECTION = 2900
MAX_HYPOTHESES = 3
MAX_CHECKS = 3
MAX_ACTIONS = 3
# Characters shown in the thread: about one line of a thread pane on a 1366 px screen (measured in the
# playground's browser test); Details has everything whole.
COMMAND_CHARS = 38
CAUSE_CHARS = 56
QUOTE_CHARS = 24
TITLE_CHARS = 64
SUMMARY_CHARS = 400


def _section(text: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text[:MAX_SECTION]))


def diagnosis_text(case_ref: str, diagnosis: Diagnosis) -> str:
    """Notification fallback for a diagnosis message."""
    return f"{case_ref} diagnosis: {escape(diagnosis.summary)}"


def seen_line(observation: Observation) -> str:
    """One observed evidence line (mrkdwn): the exact quote and where it was seen."""
    return f"Seen: `{in_code(observation.quote)}` {observation.where()}"


def _cause_line(n: int, hypothesis: Hypothesis) -> str:
    line = f"*{n}.* {escape(clip(hypothesis.cause, CAUSE_CHARS))} · *{round(hypothesis.confidence * 100)}%*"
    if hypothesis.observed:
        return line + f" · seen `{in_code(hypothesis.observed[0].quote, QUOTE_CHARS)}`"
    return line + " · _nothing seen yet_"


def best_checks(diagnosis: Diagnosis, skip: set[str] | None = None) -> list[str]:
    """Checks best first: each cause's first check in rank order, then their second ones, then next steps."""
    skip = skip or set()
    rounds = max((len(h.checks) for h in diagnosis.hypotheses), default=0)
    ordered = [h.checks[i] for i in range(rounds) for h in diagnosis.hypotheses if i < len(h.checks)]
    return [c for c in dict.fromkeys([*ordered, *diagnosis.next_steps]) if c not in skip]


def _checks_section(title: str, checks: list[str], facts: CaseFacts) -> Block:
    lines = [f"• `{in_code(fill_placeholders(c, facts), COMMAND_CHARS)}`" for c in checks[:MAX_CHECKS]]
    return _section(f"*{title}*\n" + "\n".join(lines))


def _action_blocks(
    actions: list[RecommendedAction],
    facts: CaseFacts,
    case_id: int | None,
    title: str = "Recommended actions",
) -> list[Block]:
    lines = [
        action_line(shown_action(a, facts), with_command=False, title_limit=TITLE_CHARS)
        for a in actions[:MAX_ACTIONS]
    ]
    if case_id is None:
        return [_section(f"*{title}*\n" + "\n".join(lines))]
    # One section per action, so each carries its own Run… button (the policy decides what follows).
    return [
        _section(f"*{title}*"),
        *(
            SectionBlock(
                text=MarkdownTextObject(text=line[:MAX_SECTION]),
                accessory=_run_button(case_id, a),
            )
            for line, a in zip(lines, actions[:MAX_ACTIONS], strict=False)
        ),
    ]


def _heading(text: str, case_id: int | None) -> SectionBlock:
    """The headline section; with `case_id` it carries the Details button (top right, like Slack apps)."""
    details = (
        ButtonElement(
            action_id=Ids.DIAGNOSIS_DETAILS_BUTTON, text=PlainTextObject(text="Details"), value=str(case_id)
        )
        if case_id is not None
        else None
    )
    return SectionBlock(
        block_id=Ids.DIAGNOSIS_SUMMARY, text=MarkdownTextObject(text=text[:MAX_SECTION]), accessory=details
    )


def _footer(diagnosis: Diagnosis, case_id: int | None, hidden: list[str]) -> list[Block]:
    source = escape(diagnosis.engine + (f" · {diagnosis.model}" if diagnosis.model else ""))
    more = f" · Details: {', '.join(hidden)}" if hidden and case_id is not None else ""
    return [ContextBlock(elements=[MarkdownTextObject(text=f"Engine: {source}{more}")])]


def _more(count: int, noun: str) -> str:
    return f"{count} more {noun}{'' if count == 1 else 's'}"


def _hidden(diagnosis: Diagnosis, checks: int, actions: int) -> list[str]:
    """What the compact message leaves for Details, said in a few words."""
    hidden = ["all evidence"]
    if checks > MAX_CHECKS:
        hidden.append(_more(checks - MAX_CHECKS, "check"))
    if actions > MAX_ACTIONS:
        hidden.append(_more(actions - MAX_ACTIONS, "action"))
    if diagnosis.questions:
        hidden.append("questions")
    return hidden


def _note(diagnosis: Diagnosis) -> list[Block]:
    if not diagnosis.note:
        return []
    # A degraded answer (Claude down, unsafe actions removed) must be visible, not silent.
    return [ContextBlock(elements=[MarkdownTextObject(text=f"⚠️ {escape_to_fit(diagnosis.note, 500)}")])]


def build_diagnosis_blocks(
    case_ref: str, diagnosis: Diagnosis, case_id: int | None = None, facts: CaseFacts | None = None
) -> list[Block]:
    """The first diagnosis, compact. With `case_id`, each action gets Run… and the message a Details button;
    `facts` fill the actions' and checks' placeholders."""
    facts = facts or CaseFacts()
    category = diagnosis.category.value.replace("_", " ")
    blocks: list[Block] = [
        _heading(
            f"🧭 *Diagnosis for {case_ref}* · {category} · severity {diagnosis.severity.value}\n"
            f"{escape_to_fit(diagnosis.summary, SUMMARY_CHARS)}",
            case_id,
        ),
        *_note(diagnosis),
    ]
    if diagnosis.hypotheses:
        lines = [_cause_line(n, h) for n, h in enumerate(diagnosis.hypotheses[:MAX_HYPOTHESES], start=1)]
        blocks.append(_section("*Likely causes*\n" + "\n".join(lines)))
    checks = best_checks(diagnosis)
    if checks:
        blocks.append(_checks_section("Next checks", checks, facts))
    actions = diagnosis.recommended_actions
    if actions:
        blocks.extend(_action_blocks(actions, facts, case_id))
    return [*blocks, *_footer(diagnosis, case_id, _hidden(diagnosis, len(checks), len(actions)))]


def build_followup_blocks(
    case_ref: str,
    diagnosis: Diagnosis,
    previous: Diagnosis | None,
    case_id: int | None = None,
    facts: CaseFacts | None = None,
) -> list[Block]:
    """An answer to a thread message: only what changed and what is new (the whole answer is in Details)."""
    if previous is None:
        return build_diagnosis_blocks(case_ref, diagnosis, case_id=case_id, facts=facts)
    facts = facts or CaseFacts()
    heading = f"🧭 *Updated diagnosis for {case_ref}*"
    if diagnosis.summary != previous.summary:
        heading += f"\n{escape_to_fit(diagnosis.summary, SUMMARY_CHARS)}"
    blocks: list[Block] = [_heading(heading, case_id), *_note(diagnosis)]
    changes = [c for c in diagnosis.changes if c != NO_CHANGE]
    blocks.append(
        _section(
            "*What changed*\n" + "\n".join(f"• {escape(c)}" for c in changes)
            if changes
            else _unmoved(diagnosis)
        )
    )
    seen_checks = set(best_checks(previous))
    checks = best_checks(diagnosis, skip=seen_checks)
    if checks:
        blocks.append(_checks_section("New checks", checks, facts))
    questions = [q for q in diagnosis.questions if q not in previous.questions][:2]
    if questions:
        blocks.append(
            _section("*New questions*\n" + "\n".join(f"❓ {escape_to_fit(q, 300)}" for q in questions))
        )
    seen_actions = {a.title for a in previous.recommended_actions}
    actions = [a for a in diagnosis.recommended_actions if a.title not in seen_actions]
    if actions:
        blocks.extend(_action_blocks(actions, facts, case_id, title="New actions"))
    if case_id is not None:
        # The message this one supersedes loses its Run… buttons: actions still recommended keep one here.
        carried = [a for a in diagnosis.recommended_actions if a.title in seen_actions]
        blocks.extend(_carried_blocks(carried[: max(0, MAX_ACTIONS - len(actions))], case_id))
    return [*blocks, *_footer(diagnosis, case_id, _hidden(diagnosis, len(checks), len(actions)))]


def _unmoved(diagnosis: Diagnosis) -> str:
    if not diagnosis.hypotheses:
        return "_The ranking of causes did not move._"
    top = diagnosis.hypotheses[0]
    return (
        f"_The ranking of causes did not move:_ {escape(clip(top.cause, CAUSE_CHARS))} "
        f"still leads ({round(top.confidence * 100)}%)."
    )


def _run_button(case_id: int, action: RecommendedAction) -> ButtonElement:
    return ButtonElement(
        action_id=Ids.ACTION_RUN_BUTTON, text=PlainTextObject(text="Run…"), value=f"{case_id}:{action.key}"
    )


def _carried_blocks(actions: list[RecommendedAction], case_id: int) -> list[Block]:
    """One line each, no command: they were shown in full before and are whole in Details."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"↪ {RISK_EMOJI.get(a.risk.value, '•')} *{escape_to_fit(a.title, 150)}* · "
                f"{a.risk.value} risk · _still recommended_"
            ),
            accessory=_run_button(case_id, a),
        )
        for a in actions
    ]
