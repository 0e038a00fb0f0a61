"""Runbook modals: edit a draft's title and five sections, and ask for the fix of a source-resolved case."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.ids import Ids
from engine.record_ids import RecordId
from engine.runbooks.models import SECTION_TITLES, Runbook, RunbookStatus

# Slack's ceiling for a plain_text_input; a longer section cannot be edited in Slack without loss.
INPUT_LIMIT = 3000
TITLE_LIMIT = 200
EDIT_FIELDS: dict[str, Ids] = {
    "title": Ids.RUNBOOK_EDIT_TITLE,
    "problem_summary": Ids.RUNBOOK_EDIT_PROBLEM_SUMMARY,
    "diagnosis_steps": Ids.RUNBOOK_EDIT_DIAGNOSIS_STEPS,
    "root_cause": Ids.RUNBOOK_EDIT_ROOT_CAUSE,
    "solution": Ids.RUNBOOK_EDIT_SOLUTION,
    "prevention": Ids.RUNBOOK_EDIT_PREVENTION,
}
REQUIRED_FIELDS = ("title", "problem_summary")


class EditTarget(BaseModel):
    """What the edit modal carries in private_metadata: which runbook, and where to answer."""

    runbook_id: RecordId
    channel_id: str | None = None
    # Opened from an ephemeral message (the review queue): confirm the save to the editor.
    notify: bool = False


class FixTarget(BaseModel):
    """What the root-cause-and-fix modal carries: the case, and where the click came from."""

    case_id: RecordId
    channel_id: str | None = None


def too_long_to_edit(runbook: Runbook) -> list[str]:
    """Section titles whose text is over Slack's input limit (editing them in Slack would cut them)."""
    return [
        heading
        for name, heading in SECTION_TITLES.items()
        if len(getattr(runbook.sections, name)) > INPUT_LIMIT
    ]


def edit_refusal(runbook: Runbook | None) -> str | None:
    """Why this runbook cannot be edited in Slack (None: it can), in words for the person who clicked."""
    if runbook is None:
        return "That runbook no longer exists."
    if runbook.status is RunbookStatus.ACTIVE:
        by = f" by <@{runbook.reviewer}>" if runbook.reviewer else ""
        return f"{runbook.ref} was already approved{by} and is live, so it can't be edited from this card."
    if runbook.status is RunbookStatus.ARCHIVED:
        return f"{runbook.ref} was rejected and archived, so there is nothing to edit any more."
    if runbook.status is RunbookStatus.RETIRED:
        return f"{runbook.ref} was replaced by a newer version and retired, so there is nothing to edit."
    long = too_long_to_edit(runbook)
    if long:
        return (
            f"{runbook.ref}'s {', '.join(long)} is longer than a Slack form can hold "
            f"({INPUT_LIMIT:,} characters), so it can't be edited here without cutting it."
        )
    return None


def _input(block_id: Ids, label: str, value: str, multiline: bool, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=Ids.RUNBOOK_EDIT_INPUT,
            initial_value=value or None,
            multiline=multiline,
            max_length=INPUT_LIMIT if multiline else TITLE_LIMIT,
        ),
    )


def build_runbook_edit_modal(runbook: Runbook, target: EditTarget) -> View:
    """The title and five sections, pre-filled; submitting saves a new version for review."""
    blocks: list[Block] = [
        _input(Ids.RUNBOOK_EDIT_TITLE, "Title", runbook.title[:TITLE_LIMIT], multiline=False, optional=False)
    ]
    for name, heading in SECTION_TITLES.items():
        blocks.append(
            _input(
                EDIT_FIELDS[name],
                heading,
                getattr(runbook.sections, name),
                multiline=True,
                optional=name not in REQUIRED_FIELDS,
            )
        )
    return View(
        type="modal",
        callback_id=Ids.RUNBOOK_EDIT_MODAL,
        title=PlainTextObject(text=f"Edit {runbook.ref}"[:24]),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=target.model_dump_json(),
        blocks=blocks,
    )


def build_runbook_fix_modal(target: FixTarget, case_ref: str | None = None) -> View:
    """Root cause and fix, for a case whose source (PagerDuty, Alertmanager) only said 'resolved'."""

    def field(block_id: Ids, label: str, placeholder: str) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=PlainTextObject(text=label),
            element=PlainTextInputElement(
                action_id=Ids.RUNBOOK_EDIT_INPUT,
                multiline=True,
                max_length=INPUT_LIMIT,
                placeholder=PlainTextObject(text=placeholder),
            ),
        )

    return View(
        type="modal",
        callback_id=Ids.RUNBOOK_FIX_MODAL,
        title=PlainTextObject(text=f"Runbook from {case_ref}"[:24] if case_ref else "Create a runbook"),
        submit=PlainTextObject(text="Draft runbook"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=target.model_dump_json(),
        blocks=[
            field(Ids.RUNBOOK_FIX_CAUSE, "Root cause", "What actually caused it"),
            field(Ids.RUNBOOK_FIX_FIX, "Fix", "What fixed it: the commands or steps, as you ran them"),
        ],
    )
