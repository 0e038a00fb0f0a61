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
from jobs.runbook_requests import RunbookRequests

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
        """Parse Bolt's body for the first action."""
        action = body["actions"][0]
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        return cls(
            user_id=body["user"]["id"],
            channel_id=channel.get("id") or container.get("channel_id"),
            trigger_id=body["trigger_id"],
            value=str(action.get("value", "")),
            action_ts=str(action.get("action_ts", body.get("trigger_id"))),
            thread_ts=container.get("thread_ts"),
            from_ephemeral=bool(container.get("is_ephemeral")),
        )


def register(app: App, runbooks: RunbookRequests) -> None:
    """Attach action listeners."""

    @app.action(Ids.RUNBOOK_SHARE_BUTTON.value)
    def handle_share_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        if click.channel_id is None or not click.value.isdigit():
            return
        runbooks.share(
            f"{click.channel_id}:{click.action_ts}", click.channel_id, click.user_id, int(click.value)
        )

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
        if click.value.isdigit():
            runbooks.create_draft(f"{click.channel_id}:{click.action_ts}", int(click.value), click.user_id)

    @app.action(Ids.RUNBOOK_CREATE_ASK_BUTTON.value)
    def handle_create_runbook_ask_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        if click.value.isdigit():
            # Resolved at the source, so the fix is unknown: ask for it (the modal must open within 3 s).
            target = FixTarget(case_id=int(click.value), channel_id=click.channel_id)
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
            client.chat_postEphemeral(
                channel=click.channel_id, user=click.user_id, text=refusal, thread_ts=click.thread_ts
            )

    @app.action(Ids.RUNBOOK_DECLINE_BUTTON.value)
    def handle_decline_runbook_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        if click.value.isdigit():
            runbooks.decline(f"{click.channel_id}:{click.action_ts}", int(click.value), click.user_id)

    @app.action(Ids.RUNBOOK_APPROVE_BUTTON.value)
    def handle_approve_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _review(ButtonClick.from_body(body), "approve")

    @app.action(Ids.RUNBOOK_REJECT_BUTTON.value)
    def handle_reject_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _review(ButtonClick.from_body(body), "reject")

    def _review(click: ButtonClick, decision: str) -> None:
        if click.channel_id is None or not click.value.isdigit():
            return
        key = f"{click.channel_id}:{click.action_ts}:{click.user_id}"
        runbooks.review(
            key, int(click.value), click.user_id, decision, click.channel_id, notify=click.from_ephemeral
        )
