"""Button clicks: runbook View and Edit open modals, Share in channel posts the runbook's card, and the
review buttons enqueue a decision."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.runbook_forms import (
    EditTarget,
    FixTarget,
    build_runbook_edit_modal,
    build_runbook_fix_modal,
    edit_refusal,
)
from bot.blocks.runbooks import build_runbook_modal
from bot.ids import Ids
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id
from handlers.payloads import BlockActions
from jobs.notices import Notices
from jobs.runbooks.requests import RunbookRequests

log = logging.getLogger(__name__)


class ButtonClick(BaseModel):
    """A block_actions payload reduced to what a button handler needs."""

    model_config = ConfigDict(extra="ignore")

    user_id: str
    channel_id: str | None
    trigger_id: str
    value: str
    action_ts: str
    thread_ts: str | None = None
    # Clicked in an ephemeral message (the review queue), which cannot be updated in place.
    from_ephemeral: bool = False

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> ButtonClick:
        """Parse Bolt's body for the first action; InvalidInputError says what is malformed."""
        payload = BlockActions.parse(body)
        return cls(
            user_id=payload.user.id,
            channel_id=payload.channel_id,
            trigger_id=payload.trigger_id,
            value=payload.action.value,
            action_ts=payload.click_ts,
            thread_ts=payload.container.thread_ts,
            from_ephemeral=payload.container.is_ephemeral,
        )

    def record_id(self) -> int:
        """The button's value as one of our ids; a malformed value never reaches a job."""
        record_id = parse_record_id(self.value)
        if record_id is None:
            raise InvalidInputError("That button's value is not a valid id.")
        return record_id


def register(app: App, runbooks: RunbookRequests, notices: Notices) -> None:
    """Attach action listeners."""

    @app.action(Ids.RUNBOOK_SHARE_BUTTON.value)
    def handle_share_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        runbook_id = click.record_id()
        if click.channel_id is None:
            return
        runbooks.share(f"{click.channel_id}:{click.action_ts}", click.channel_id, click.user_id, runbook_id)

    @app.action(Ids.RUNBOOK_VIEW_BUTTON.value)
    def handle_view_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        runbook = runbooks.get(click.value)
        if runbook is not None:
            # trigger_id lives 3 s: the modal opens here (one primary-key read), not in a job.
            client.views_open(trigger_id=click.trigger_id, view=build_runbook_modal(runbook))

    @app.action(Ids.RUNBOOK_CREATE_BUTTON.value)
    def handle_create_runbook_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        runbooks.create_draft(f"{click.channel_id}:{click.action_ts}", click.record_id(), click.user_id)

    @app.action(Ids.RUNBOOK_CREATE_ASK_BUTTON.value)
    def handle_create_runbook_ask_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        # Resolved at the source, so the fix is unknown: ask for it (the modal must open within 3 s).
        target = FixTarget(case_id=click.record_id(), channel_id=click.channel_id)
        client.views_open(trigger_id=click.trigger_id, view=build_runbook_fix_modal(target))

    @app.action(Ids.RUNBOOK_EDIT_BUTTON.value)
    def handle_edit_runbook_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        runbook = runbooks.get(click.value)  # one primary-key read: the modal must open within 3 s
        refusal = edit_refusal(runbook)
        if runbook is not None and refusal is None:
            target = EditTarget(
                runbook_id=runbook.id, channel_id=click.channel_id, notify=click.from_ephemeral
            )
            client.views_open(trigger_id=click.trigger_id, view=build_runbook_edit_modal(runbook, target))
        elif refusal is not None and click.channel_id is not None:
            notices.tell(click.action_ts, click.channel_id, click.user_id, refusal, click.thread_ts)

    @app.action(Ids.RUNBOOK_DECLINE_BUTTON.value)
    def handle_decline_runbook_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        runbooks.decline(f"{click.channel_id}:{click.action_ts}", click.record_id(), click.user_id)

    @app.action(Ids.RUNBOOK_APPROVE_BUTTON.value)
    def handle_approve_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _review(ButtonClick.from_body(body), "approve")

    @app.action(Ids.RUNBOOK_REJECT_BUTTON.value)
    def handle_reject_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _review(ButtonClick.from_body(body), "reject")

    def _review(click: ButtonClick, decision: str) -> None:
        runbook_id = click.record_id()
        if click.channel_id is None:
            return
        key = f"{click.channel_id}:{click.action_ts}:{click.user_id}"
        runbooks.review(
            key, runbook_id, click.user_id, decision, click.channel_id, notify=click.from_ephemeral
        )
