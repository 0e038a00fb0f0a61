"""The Run… modal: a recommended action with its command, target and parameters filled in from the case,
editable, with the policy's decision for what is in the form."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.blocks.mrkdwn import escape
from bot.ids import Ids

MAX_INPUT = 3000


class RunActionForm(BaseModel):
    """What the Run… modal shows; built from the case's diagnosis and facts."""

    case_id: int
    case_ref: str
    key: str
    channel_id: str
    title: str
    command: str
    target: str
    parameters: dict[str, str] = Field(default_factory=dict)
    rollback: str = ""
    rollback_runnable: bool = False
    risk: str
    environment: str | None = None
    policy: str
    approvers: list[str] = Field(default_factory=list)


class RunActionMetadata(BaseModel):
    """Carried in the modal's private_metadata: which recommended action of which case."""

    case_id: int
    key: str
    channel_id: str


def who_may_approve(approvers: list[str]) -> str:
    """Mentions for user ids (U…/W…) and user groups (S…)."""
    return ", ".join(f"<!subteam^{a}>" if a.startswith("S") else f"<@{a}>" for a in approvers)


# Editing the command, target or parameters asks the app for the policy decision again (Enter in a
# one-line field; a pause in typing otherwise), so the decision shown is always for what is in the form.
_REEVALUATE = DispatchActionConfig(trigger_actions_on=["on_enter_pressed", "on_character_entered"])


def _input(
    block: Ids,
    action: Ids,
    label: str,
    initial: str,
    *,
    multiline: bool,
    optional: bool,
    reevaluate: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=PlainTextObject(text=label),
        optional=optional,
        dispatch_action=reevaluate or None,
        element=PlainTextInputElement(
            action_id=action,
            multiline=multiline,
            initial_value=initial[:MAX_INPUT] or None,
            dispatch_action_config=_REEVALUATE if reevaluate else None,
        ),
    )


def _decision_text(form: RunActionForm) -> str:
    where = f" · environment *{escape(form.environment)}*" if form.environment else ""
    approvers = f"\n*Who must approve:* {who_may_approve(form.approvers)}" if form.approvers else ""
    policy = f"*Policy for what is in this form:* {escape(form.policy)}"
    return f"*Risk:* {escape(form.risk)}{where}\n{policy}{approvers}"


def _rollback_text(form: RunActionForm) -> str:
    if not form.rollback:
        return "*Rollback:* _none given: this cannot be rolled back from Slack_"
    if form.rollback_runnable:
        return f"*Rollback:* `{escape(form.rollback)}`"
    return f"*Rollback guidance (not runnable):* {escape(form.rollback)}"


def build_run_action_modal(form: RunActionForm) -> View:
    """Command, target and parameters pre-filled; submitting proposes it under the policy."""
    blocks: list[Block] = [
        SectionBlock(
            block_id=Ids.RUN_ACTION_SUMMARY,
            text=MarkdownTextObject(text=f"*{escape(form.title)}* · {escape(form.case_ref)}"),
        ),
        _input(
            Ids.RUN_COMMAND_BLOCK,
            Ids.RUN_COMMAND_INPUT,
            "Command",
            form.command,
            multiline=True,
            optional=True,
            reevaluate=True,
        ),
        _input(
            Ids.RUN_TARGET_BLOCK,
            Ids.RUN_TARGET_INPUT,
            "Target",
            form.target,
            multiline=False,
            optional=False,
            reevaluate=True,
        ),
        _input(
            Ids.RUN_PARAMS_BLOCK,
            Ids.RUN_PARAMS_INPUT,
            "Parameters (key=value per line; fill in each <placeholder>)",
            "\n".join(f"{k}={v}" for k, v in form.parameters.items()),
            multiline=True,
            optional=True,
            reevaluate=True,
        ),
        _input(Ids.RUN_REASON_BLOCK, Ids.RUN_REASON_INPUT, "Why", "", multiline=True, optional=True),
        SectionBlock(block_id=Ids.RUN_ACTION_POLICY, text=MarkdownTextObject(text=_decision_text(form))),
        ContextBlock(elements=[MarkdownTextObject(text=_rollback_text(form))]),
    ]
    metadata = RunActionMetadata(case_id=form.case_id, key=form.key, channel_id=form.channel_id)
    return View(
        type="modal",
        callback_id=Ids.RUN_ACTION_MODAL,
        title=PlainTextObject(text="Run an action"),
        submit=PlainTextObject(text="Propose"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(metadata.model_dump()),
        blocks=blocks,
    )
