"""✅ Worked / ❌ Didn't help on 'Did these runbooks help?': ack, then enqueue the vote."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.ids import Ids
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id_pair
from handlers.actions import ButtonClick
from jobs.runbooks.requests import RunbookRequests


def register(app: App, runbooks: RunbookRequests) -> None:
    """Attach the two vote buttons."""

    def enqueue_vote(body: dict[str, Any], worked: bool) -> None:
        click = ButtonClick.from_body(body)
        # Only a well-formed `<case id>:<runbook id>` reaches the job, which checks it against its records.
        if parse_record_id_pair(click.value) is None:
            raise InvalidInputError("That vote button's value is not a valid case and runbook id.")
        # Keyed on the click: Slack's retry of it is queued once; a second click is a second job
        # that the vote table's unique key turns into "unchanged".
        key = f"{click.channel_id}:{click.action_ts}:{click.user_id}"
        runbooks.vote(key, click.channel_id or "", click.user_id, click.value, worked)

    @app.action(Ids.RUNBOOK_WORKED_BUTTON.value)
    def handle_runbook_worked_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        enqueue_vote(body, worked=True)

    @app.action(Ids.RUNBOOK_FAILED_BUTTON.value)
    def handle_runbook_failed_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        enqueue_vote(body, worked=False)
