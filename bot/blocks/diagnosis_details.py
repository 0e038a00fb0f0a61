"""The Details modal of a diagnosis: everything the compact thread message leaves out (all evidence with
where it was seen, all checks, what would rule a cause out, every action with its rollback, the questions,
what the case told us and the engine's own details)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.diagnosis import best_checks, seen_line
from bot.blocks.mrkdwn import escape, escape_to_fit
from bot.blocks.recommended import action_line, in_code, shown_action
from bot.ids import Ids
from engine.case_facts import CaseFacts, fill_placeholders
from engine.models import Diagnosis, Hypothesis

TITLE = "Diagnosis details"
MAX_SECTION = 2900
# A modal holds at most 100 blocks; a diagnosis has at most 5 causes, so this leaves room.
MAX_ACTIONS = 10


def _section(text: str) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=text if len(text) <= MAX_SECTION else text[:MAX_SECTION])
    )


def _bar(confidence: float) -> str:
    filled = round(confidence * 10)
    return "▰" * filled + "▱" * (10 - filled)


def _hypothesis_text(n: int, h: Hypothesis, facts: CaseFacts) -> str:
    lines = [f"*{n}. {escape_to_fit(h.cause, 300)}*  `{_bar(h.confidence)}` {round(h.confidence * 100)}%"]
    lines.extend(f"• {seen_line(o)}" for o in h.observed[:8])
    if not h.observed:
        lines.append("• _Nothing in the case shows this yet._")
    lines.extend(f"• Would confirm: `{in_code(fill_placeholders(c, facts), 400)}`" for c in h.checks[:6])
    lines.extend(f"• Would rule it out: {escape_to_fit(r, 300)}" for r in h.rules_out[:3])
    text = "\n".join(lines)
    return text if len(text) <= MAX_SECTION else "\n".join(lines[:4])


def _facts_text(facts: CaseFacts) -> str | None:
    known = [(name, value) for name, value in facts.model_dump().items() if value]
    if not known:
        return None
    return "*What the case says about where*: " + ", ".join(
        f"{name} `{in_code(value, 80)}`" for name, value in known
    )


def _engine_text(diagnosis: Diagnosis) -> str:
    source = escape(diagnosis.engine + (f" · {diagnosis.model}" if diagnosis.model else ""))
    ranked = ", ".join(c.value.replace("_", " ") for c in diagnosis.ranked_categories()[:3])
    parts = [
        f"Engine: {source}",
        f"categories considered: {ranked}",
        f"confidence in the category: {round(diagnosis.confidence * 100)}%"
        + (" (confident)" if diagnosis.confident else " (not sure yet)"),
    ]
    if diagnosis.technologies:
        parts.append("technologies: " + escape(", ".join(diagnosis.technologies)))
    if diagnosis.llm_calls:
        parts.append(f"LLM calls: {len(diagnosis.llm_calls)}")
    return " · ".join(parts)


def build_diagnosis_details_blocks(
    case_ref: str, diagnosis: Diagnosis, facts: CaseFacts | None
) -> list[Block]:
    """Every part of the diagnosis, readable top to bottom."""
    facts = facts or CaseFacts()
    category = diagnosis.category.value.replace("_", " ")
    blocks: list[Block] = [
        _section(
            f"🧭 *{escape(case_ref)}* · {category} · severity {diagnosis.severity.value}\n"
            f"{escape_to_fit(diagnosis.summary, 2_000)}"
        )
    ]
    if diagnosis.note:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"⚠️ {escape_to_fit(diagnosis.note, 2_000)}")])
        )
    if diagnosis.changes:
        blocks.append(
            _section("*What changed*\n" + "\n".join(f"• {escape_to_fit(c, 300)}" for c in diagnosis.changes))
        )
    blocks.append(DividerBlock())
    blocks.extend(
        _section(_hypothesis_text(n, h, facts)) for n, h in enumerate(diagnosis.hypotheses, start=1)
    )
    checks = best_checks(diagnosis)
    if checks:
        lines = [f"{n}. `{in_code(fill_placeholders(c, facts), 400)}`" for n, c in enumerate(checks[:15], 1)]
        blocks.append(_section("*All checks, best first*\n" + "\n".join(lines)))
    actions = diagnosis.recommended_actions[:MAX_ACTIONS]
    if actions:
        blocks.append(_section("*Recommended actions* (run them from the message's Run… buttons)"))
    for action in actions:
        shown = shown_action(action, facts)
        rollback = f"\n_Rollback:_ {escape_to_fit(shown.rollback, 600)}" if shown.rollback else ""
        blocks.append(_section(action_line(shown) + rollback))
    if diagnosis.questions:
        questions = "\n".join(f"❓ {escape_to_fit(q, 400)}" for q in diagnosis.questions[:6])
        blocks.append(_section("*To narrow it down, tell me in the thread:*\n" + questions))
    facts_text = _facts_text(facts)
    blocks.append(DividerBlock())
    context = [MarkdownTextObject(text=_engine_text(diagnosis))]
    if facts_text:
        context.append(MarkdownTextObject(text=facts_text))
    blocks.append(ContextBlock(elements=context))
    return blocks


def build_diagnosis_details_modal(case_ref: str, diagnosis: Diagnosis, facts: CaseFacts | None) -> View:
    """The modal Details opens (filled in by a job, replacing the loading view)."""
    return View(
        type="modal",
        callback_id=Ids.DIAGNOSIS_DETAILS_MODAL,
        title=PlainTextObject(text=TITLE),
        close=PlainTextObject(text="Close"),
        blocks=build_diagnosis_details_blocks(case_ref, diagnosis, facts),
    )


def build_details_loading_modal(case_ref: str) -> View:
    """What the Details click opens at once (its trigger_id lives 3 s); a job fills it in."""
    return View(
        type="modal",
        callback_id=Ids.DIAGNOSIS_DETAILS_MODAL,
        title=PlainTextObject(text=TITLE),
        close=PlainTextObject(text="Close"),
        blocks=[_section(f"⏳ Loading the diagnosis of {escape(case_ref)}…")],
    )


def build_details_unavailable_modal(reason: str) -> View:
    """When the case has no diagnosis to show (or the button is not this channel's)."""
    return View(
        type="modal",
        callback_id=Ids.DIAGNOSIS_DETAILS_MODAL,
        title=PlainTextObject(text=TITLE),
        close=PlainTextObject(text="Close"),
        blocks=[_section(escape(reason))],
    )
