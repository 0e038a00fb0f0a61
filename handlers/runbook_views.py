"""Runbook modal submissions: an edit of a draft, and the root cause and fix of a source-resolved case.

Both validate, record one job in the SQL outbox and enqueue it, then ack. With process_before_response
the HTTP answer leaves when the listener returns anyway, so recording before `ack()` costs nothing, and
a database failure (the one way the edit could be lost) reaches the error handler instead of a closed
modal that pretends it was saved. A Redis outage only delays the job: the sweeper enqueues it later.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot.blocks.runbook_forms import EDIT_FIELDS, REQUIRED_FIELDS, EditTarget, FixTarget
from bot.ids import Ids
from engine.runbooks.models import SECTION_TITLES, RunbookSections
from handlers.payloads import user_id_of, view_id_of
from jobs.runbooks.edits import RunbookEdit
from jobs.runbooks.requests import RunbookRequests

FIX_FIELDS = {"root_cause": Ids.RUNBOOK_FIX_CAUSE, "fix": Ids.RUNBOOK_FIX_FIX}
REQUIRED_TEXT = {
    "title": "Give the runbook a title.",
    "problem_summary": "Say what the problem looks like.",
    "root_cause": "Say what caused it.",
    "fix": "Say what fixed it.",
}


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
        # Recorded in the SQL outbox before it is enqueued: a Redis outage delays the save, never loses it.
        runbooks.save_edit(view_id, target.runbook_id, user_id, target.channel_id or "", edit, target.notify)
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
        runbooks.create_draft_with_fix(view_id, target.case_id, user_id, values["root_cause"], values["fix"])
        ack()
