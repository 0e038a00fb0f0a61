"""The "propose an action" modal (`/faultmaven run`)."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.ids import Ids


def _input(
    block: Ids,
    action: Ids,
    label: str,
    *,
    initial: str = "",
    multiline: bool = False,
    optional: bool = False,
    placeholder: str = "",
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=action,
            multiline=multiline,
            initial_value=initial or None,
            placeholder=PlainTextObject(text=placeholder) if placeholder else None,
        ),
    )


def build_propose_modal(channel_id: str, case_ref: str = "", action: str = "", target: str = "") -> View:
    """Case, action, target, parameters and why; the policy decides what happens on submit."""
    return View(
        type="modal",
        callback_id=Ids.PROPOSE_MODAL,
        title=PlainTextObject(text="Propose an action"),
        submit=PlainTextObject(text="Propose"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            _input(
                Ids.PROPOSE_CASE_BLOCK, Ids.PROPOSE_CASE_INPUT, "Case", initial=case_ref, placeholder="FM-12"
            ),
            _input(
                Ids.PROPOSE_ACTION_BLOCK,
                Ids.PROPOSE_ACTION_INPUT,
                "Action",
                initial=action,
                placeholder="restart_service",
            ),
            _input(
                Ids.PROPOSE_TARGET_BLOCK,
                Ids.PROPOSE_TARGET_INPUT,
                "Target",
                initial=target,
                placeholder="checkout-7",
            ),
            _input(
                Ids.PROPOSE_PARAMS_BLOCK,
                Ids.PROPOSE_PARAMS_INPUT,
                "Parameters (key=value per line)",
                multiline=True,
                optional=True,
            ),
            _input(
                Ids.PROPOSE_REASON_BLOCK,
                Ids.PROPOSE_REASON_INPUT,
                "Why",
                multiline=True,
                placeholder="What you expect it to fix",
            ),
        ],
    )
