"""Run… on a recommended action: open the pre-filled modal at once (its trigger_id lives 3 s), and turn
the submitted form into a proposal, refusing any `<placeholder>` left unfilled."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.run_action import RunActionMetadata, build_run_action_modal
from bot.ids import Ids
from engine.actions.credentials import credential_refusal
from engine.case_facts import fill_values, unfilled_placeholders
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id
from handlers.approval_payloads import parse_parameter_lines
from jobs.actions.forms import RunActionForms, RunActionSubmission, RunFormEdits
from jobs.notices import Notices

# What a diagnosis's action hash looks like in a Run… button's value (`case_id:key`).
_ACTION_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


class RunClick(BaseModel):
    """A Run… click: which case's which recommended action, and where."""

    user_id: str
    channel_id: str
    trigger_id: str
    case_id: int
    key: str

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> RunClick | None:
        """None when the button's value is not `case_id:key`."""
        action = body["actions"][0]
        container = body.get("container") or {}
        case_ref, _, key = str(action.get("value", "")).partition(":")
        case_id = parse_record_id(case_ref)
        if case_id is None or not _ACTION_KEY.fullmatch(key):
            return None
        return cls(
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or {}).get("id") or container.get("channel_id") or "",
            trigger_id=body["trigger_id"],
            case_id=case_id,
            key=key,
        )


def _value(values: dict[str, Any], block: Ids, action: Ids) -> str:
    return str((values.get(block.value, {}).get(action.value, {}) or {}).get("value") or "").strip()


def handle_run_click(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Open the Run… modal with the command, target and parameters filled in from the case."""
    click = RunClick.from_body(body)
    if click is None:
        raise InvalidInputError("That Run… button's value is not a case id and an action key.")
    ack()
    forms: RunActionForms = context["run_action_forms"]
    form = forms.form(click.case_id, click.key, click.channel_id)
    if isinstance(form, str):
        # A refusal is our own words, posted by a job: nothing but views.open runs inside the ack window.
        notices: Notices = context["notices"]
        action_ts = str(body["actions"][0].get("action_ts") or click.trigger_id)
        notices.tell(f"run:{click.channel_id}:{action_ts}", click.channel_id, click.user_id, form)
        return
    client.views_open(trigger_id=click.trigger_id, view=build_run_action_modal(form))


def handle_run_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Propose what the form says; a field error for anything still a `<placeholder>`."""
    forms: RunActionForms = context["run_action_forms"]
    view = body["view"]
    values = view.get("state", {}).get("values", {})
    try:
        metadata = RunActionMetadata.model_validate_json(view.get("private_metadata") or "{}")
    except ValidationError:
        ack(response_action="errors", errors={Ids.RUN_TARGET_BLOCK.value: "This form is out of date."})
        return
    parameters = parse_parameter_lines(_value(values, Ids.RUN_PARAMS_BLOCK, Ids.RUN_PARAMS_INPUT))
    errors: dict[str, str] = {}
    if isinstance(parameters, str):
        errors[Ids.RUN_PARAMS_BLOCK.value] = parameters
        parameters = {}
    command = fill_values(_value(values, Ids.RUN_COMMAND_BLOCK, Ids.RUN_COMMAND_INPUT), parameters)
    target = fill_values(_value(values, Ids.RUN_TARGET_BLOCK, Ids.RUN_TARGET_INPUT), parameters)
    for block, text in ((Ids.RUN_COMMAND_BLOCK, command), (Ids.RUN_TARGET_BLOCK, target)):
        left = unfilled_placeholders(text)
        if left:
            errors[block.value] = f"Fill in {', '.join(left)} (here, or as name=value under Parameters)."
    if not target and Ids.RUN_TARGET_BLOCK.value not in errors:
        errors[Ids.RUN_TARGET_BLOCK.value] = "A target is needed."
    refusal = credential_refusal(parameters)
    if refusal is not None:
        errors[Ids.RUN_PARAMS_BLOCK.value] = refusal
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    forms.submit(
        RunActionSubmission(
            case_id=metadata.case_id,
            key=metadata.key,
            channel_id=metadata.channel_id,
            user_id=body["user"]["id"],
            command=command,
            target=target,
            parameters={k: v for k, v in parameters.items() if v},
            reason=_value(values, Ids.RUN_REASON_BLOCK, Ids.RUN_REASON_INPUT),
            delivery=f"view-{view['id']}",
        )
    )


def handle_run_form_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The command, target or parameters changed: show the policy's decision for what is there now."""
    ack()
    view = body.get("view") or {}
    try:
        metadata = RunActionMetadata.model_validate_json(view.get("private_metadata") or "{}")
    except ValidationError:
        return  # not our form any more; nothing to re-evaluate
    values = view.get("state", {}).get("values", {})
    parameters = parse_parameter_lines(_value(values, Ids.RUN_PARAMS_BLOCK, Ids.RUN_PARAMS_INPUT))
    edits = RunFormEdits(
        command=_value(values, Ids.RUN_COMMAND_BLOCK, Ids.RUN_COMMAND_INPUT),
        target=_value(values, Ids.RUN_TARGET_BLOCK, Ids.RUN_TARGET_INPUT),
        parameters={} if isinstance(parameters, str) else parameters,
    )
    forms: RunActionForms = context["run_action_forms"]
    form = forms.form(metadata.case_id, metadata.key, metadata.channel_id, edits)
    if isinstance(form, str):
        return  # the action left the latest diagnosis; submitting says so
    try:
        # Same block and action ids, so Slack keeps what is typed; the hash drops a stale update.
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=build_run_action_modal(form))
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise


def register(app: App, forms: RunActionForms, notices: Notices) -> None:
    """Attach the Run… button and its modal's submission; the facades reach them through context."""

    @app.middleware
    def provide_run_action_forms(context: BoltContext, next: Any) -> None:
        context["run_action_forms"] = forms
        context["notices"] = notices
        next()

    app.action(Ids.ACTION_RUN_BUTTON.value)(handle_run_click)
    app.view(Ids.RUN_ACTION_MODAL.value)(handle_run_submission)
    for field in (Ids.RUN_COMMAND_INPUT, Ids.RUN_TARGET_INPUT, Ids.RUN_PARAMS_INPUT):
        app.action(field.value)(handle_run_form_edit)
