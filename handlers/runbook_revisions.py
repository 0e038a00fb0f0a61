"""A next version's Reject… button opens a form asking why; its submission enqueues the rejection."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from redis.exceptions import RedisError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.runbook_revisions import RevisionTarget, build_revision_reject_modal
from bot.ids import Ids
from handlers.actions import ButtonClick
from jobs.runbooks.requests import RunbookRequests

QUEUE_DOWN = "Couldn't record that right now (the worker queue is unreachable). Please try again in a minute."


def _reason(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(Ids.RUNBOOK_REVISION_REASON.value) or {}
    raw = block.get(Ids.RUNBOOK_REVISION_INPUT.value, {}).get("value")
    return raw.strip() if isinstance(raw, str) else ""


def register(app: App, runbooks: RunbookRequests) -> None:
    """Attach the reject button and its form."""

    @app.action(Ids.RUNBOOK_REVISION_REJECT_BUTTON.value)
    def handle_revision_reject_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        target = RevisionTarget(runbook_id=click.record_id(), channel_id=click.channel_id)
        # trigger_id lives 3 s: the form opens here; the reason is typed by the reviewer.
        client.views_open(trigger_id=click.trigger_id, view=build_revision_reject_modal(target))

    @app.view(Ids.RUNBOOK_REVISION_REJECT_MODAL.value)
    def handle_revision_reject_submission(ack: Ack, body: dict[str, Any]) -> None:
        view = body["view"]
        reason = _reason(view)
        try:
            target = RevisionTarget.model_validate_json(view.get("private_metadata") or "{}")
        except ValidationError:
            target = None
        if target is None or not reason:
            errors = {Ids.RUNBOOK_REVISION_REASON.value: "Say why it should not replace its parent."}
            ack(response_action="errors", errors=errors)
            return
        user_id = body["user"]["id"]
        key = f"{view.get('id', '')}:{user_id}"
        try:
            runbooks.reject_revision(key, target.runbook_id, user_id, target.channel_id or "", reason)
        except RedisError:
            ack(response_action="errors", errors={Ids.RUNBOOK_REVISION_REASON.value: QUEUE_DOWN})
            return
        ack()
