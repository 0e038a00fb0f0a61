"""'Did these runbooks help?' on a resolved case: ✅ / ❌ per suggested runbook, tallies updated in place."""

from __future__ import annotations

import re

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.mrkdwn import escape
from bot.blocks.runbooks import track_record
from bot.ids import Ids
from engine.runbooks.models import Runbook

FEEDBACK_TEXT = "Did these runbooks help?"
_VALUE = re.compile(r"^(\d{1,12}):(\d{1,12})$")


class FeedbackLine(BaseModel):
    """One runbook in the feedback message, with the votes it got on this case."""

    runbook: Runbook
    worked: int = 0
    failed: int = 0


def feedback_value(case_id: int, runbook_id: int) -> str:
    """What a vote button carries: which case and which runbook."""
    return f"{case_id}:{runbook_id}"


def parse_feedback_value(value: str) -> tuple[int, int] | None:
    """(case id, runbook id) from a vote button, or None for anything else."""
    match = _VALUE.match(value.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _tally(line: FeedbackLine) -> str:
    votes = f"✅ {line.worked} · ❌ {line.failed} here" if line.worked or line.failed else "no votes yet"
    record = track_record(line.runbook)
    return f"{votes} · {record} overall" if record else votes


def build_runbook_feedback_blocks(case_id: int, lines: list[FeedbackLine]) -> list[Block]:
    """The question, then per runbook its title, the votes so far and the two vote buttons."""
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.RUNBOOK_FEEDBACK,
            text=MarkdownTextObject(
                text=f"🙋 *{FEEDBACK_TEXT}* One vote per person; click the other button to change yours."
            ),
        )
    ]
    for line in lines:
        rb = line.runbook
        value = feedback_value(case_id, rb.id)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"📖 *{rb.ref} · {escape(rb.title[:150])}*\n{_tally(line)}")
            )
        )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        action_id=Ids.RUNBOOK_WORKED_BUTTON,
                        text=PlainTextObject(text="✅ Worked"),
                        value=value,
                    ),
                    ButtonElement(
                        action_id=Ids.RUNBOOK_FAILED_BUTTON,
                        text=PlainTextObject(text="❌ Didn't help"),
                        value=value,
                    ),
                ]
            )
        )
    return blocks
