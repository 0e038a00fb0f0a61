"""Runbook modal submissions: an edit of a draft, and the root cause and fix of a source-resolved case.

Both validate, enqueue one job, then ack. With process_before_response the HTTP answer leaves when the
listener returns anyway, so enqueueing (~1 ms) before `ack()` costs nothing, and it lets a queue
outage keep the modal open with the person's text in it instead of closing it on a lost edit.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from redis.exceptions import RedisError
from slack_bolt import Ack, App

from bot.blocks.runbook_forms import EDIT_FIELDS, REQUIRED_FIELDS, EditTarget, FixTarget
from bot.ids import Ids
from engine.runbooks.models import SECTION_TITLES, RunbookSections
from handlers.payloads import user_id_of, view_id_of
from jobs.runbook_edits import RunbookEdit
from jobs.runbook_requests import RunbookRequests

log = logging.getLogger(__name__)

FIX_FIELDS = {"root_cause": Ids.RUNBOOK_FIX_CAUSE, "fix": Ids.RUNBOOK_FIX_FIX}
REQUIRED_TEXT = {
    "title": "Give the runbook a title.",
    "problem_summary": "Say what the problem looks like.",
    "root_cause": "Say what caused it.",
    "fix": "Say what fixed it.",
}
QUEUE_DOWN = "Couldn't save right now (the worker queue is unreachable). Please try again in a minute."


def read_inputs(view: dict[str, Any], fields: dict[str, Ids]) -> dict[str, str]:
    """Each field's typed text (stripped; '' when left empty)."""
    values = (view.get("state") or {}).get("values") or {}
    read: dict[str, str] = {}
    for name, block_id in fields.items():
        raw = (values.get(block_id.value) or {}).get(Ids.RUNBOOK_EDIT_INPUT.value, {}).get("value")
        read[name] = raw.strip() if isinstance(raw, str) else ""
    return read


def _missing(values: dict[str, str], required: tuple[str, ...], fields: dict[str, Ids]) -> dict[str, str]:
    return {fields[name].value: REQUIRED_TEXT[name] for name in required if not values[name]}


def register(app: App, runbooks: RunbookRequests) -> None:
    """Attach the runbook view listeners."""

    @app.view(Ids.RUNBOOK_EDIT_MODAL.value)
    def handle_runbook_edit_submission(ack: Ack, body: dict[str, Any]) -> None:
        user_id, view_id = user_id_of(body), view_id_of(body)
        view = body["view"]
        values = read_inputs(view, EDIT_FIELDS)
        errors = _missing(values, REQUIRED_FIELDS, EDIT_FIELDS)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            target = EditTarget.model_validate_json(view.get("private_metadata") or "{}")
        except ValidationError:
            ack(response_action="errors", errors={Ids.RUNBOOK_EDIT_TITLE.value: "This form is out of date."})
            return
        edit = RunbookEdit(
            title=values["title"][:300],
            sections=RunbookSections(**{name: values[name] for name in SECTION_TITLES}),
        )
        try:
            runbooks.save_edit(
                view_id,
                target.runbook_id,
                user_id,
                target.channel_id or "",
                edit,
                target.notify,
            )
        except RedisError:
            log.warning("queue unreachable; runbook edit not saved", extra={"runbook_id": target.runbook_id})
            ack(response_action="errors", errors={Ids.RUNBOOK_EDIT_TITLE.value: QUEUE_DOWN})
            return
        ack()

    @app.view(Ids.RUNBOOK_FIX_MODAL.value)
    def handle_runbook_fix_submission(ack: Ack, body: dict[str, Any]) -> None:
        user_id, view_id = user_id_of(body), view_id_of(body)
        view = body["view"]
        values = read_inputs(view, FIX_FIELDS)
        errors = _missing(values, ("root_cause", "fix"), FIX_FIELDS)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            target = FixTarget.model_validate_json(view.get("private_metadata") or "{}")
        except ValidationError:
            ack(response_action="errors", errors={Ids.RUNBOOK_FIX_CAUSE.value: "This form is out of date."})
            return
        try:
            runbooks.create_draft_with_fix(
                view_id, target.case_id, user_id, values["root_cause"], values["fix"]
            )
        except RedisError:
            log.warning("queue unreachable; runbook draft not started", extra={"case_id": target.case_id})
            ack(response_action="errors", errors={Ids.RUNBOOK_FIX_CAUSE.value: QUEUE_DOWN})
            return
        ack()
