"""The Deny modal: an optional reason, asked before the denial is recorded (the thread shows it)."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ids import Ids

MAX_REASON = 1000


class DenyMetadata(BaseModel):
    """Carried in private_metadata: the request and the card the Deny was clicked on."""

    proposal_id: int = Field(gt=0)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    click_ts: str = Field(max_length=40)


def build_deny_modal(metadata: DenyMetadata) -> View:
    """One optional field; submitting denies the request (nothing is decided until then)."""
    return View(
        type="modal",
        callback_id=Ids.APPROVAL_DENY_MODAL,
        title=PlainTextObject(text="Deny this request"),
        submit=PlainTextObject(text="Deny"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(metadata.model_dump()),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"Deny request #{metadata.proposal_id}? It will not run. "
                    "Your reason, if you give one, is posted in the case thread."
                )
            ),
            InputBlock(
                block_id=Ids.APPROVAL_DENY_REASON_BLOCK,
                label=PlainTextObject(text="Why (optional)"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=Ids.APPROVAL_DENY_REASON_INPUT, multiline=True, max_length=MAX_REASON
                ),
            ),
        ],
    )
