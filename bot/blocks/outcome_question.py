"""The one compact question at resolution, asked only when nothing in the case says how it was resolved."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, MarkdownTextObject

from bot.ids import Ids

CHOICES: tuple[tuple[Ids, str, str], ...] = (
    (Ids.RESOLUTION_LEVEL_L1, "L1", "A known fix / runbook"),
    (Ids.RESOLUTION_LEVEL_L2, "L2", "FaultMaven's suggestion"),
    (Ids.RESOLUTION_LEVEL_L3, "L3", "We fixed it ourselves"),
    (Ids.RESOLUTION_LEVEL_ESCALATED, "escalated", "Escalated"),
)
ANSWERS = {level: label for _id, level, label in CHOICES}


def level_question_text(case_ref: str) -> str:
    """Notification fallback."""
    return f"How was {case_ref} resolved?"


def build_level_question_blocks(case_ref: str, case_id: int) -> list[Block]:
    """One line and four buttons; the value carries the case and the answer."""
    buttons = [
        ButtonElement(text=label, action_id=action_id, value=f"{case_id}:{level}")
        for action_id, level, label in CHOICES
    ]
    return [
        ContextBlock(
            block_id=Ids.RESOLUTION_LEVEL_QUESTION,
            elements=[
                MarkdownTextObject(
                    text=f"📏 How was {case_ref} resolved? One click keeps the team's figures honest."
                )
            ],
        ),
        ActionsBlock(elements=buttons),
    ]


def build_level_answered_blocks(case_ref: str, level: str, user_id: str) -> list[Block]:
    """The question, answered in place."""
    text = (
        f"📏 {case_ref} was resolved with: *{ANSWERS.get(level, level)}* (answered by <@{user_id}>). Thanks!"
    )
    return [ContextBlock(block_id=Ids.RESOLUTION_LEVEL_QUESTION, elements=[MarkdownTextObject(text=text)])]
