"""Actions in Slack: Approve, Deny, More info, Roll back, Undo, "did it fix it?", the propose modal
(Run… is in handlers/action_forms.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.approvals import build_approval_info_modal
from bot.blocks.deny import MAX_REASON, DenyMetadata, build_deny_modal
from bot.blocks.propose import build_propose_modal
from bot.ids import Ids
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id
from handlers.approval_payloads import RUN_USAGE, parse_parameter_lines, parse_run
from handlers.payloads import BlockActions, SlashCommand, user_id_of, view_id_of
from jobs.actions.requests import ActionRequests
from jobs.notices import Notices


class Click(BaseModel):
    """A button click with the message it was on (rules compare it with the request's own card)."""

    model_config = ConfigDict(extra="ignore")

    user_id: str
    channel_id: str
    message_ts: str
    trigger_id: str
    value: str
    action_ts: str

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Click:
        """Parse Bolt's body for the first action; InvalidInputError says what is malformed."""
        payload = BlockActions.parse(body)
        message_ts = payload.container.message_ts or (payload.message.ts if payload.message else None)
        return cls(
            user_id=payload.user.id,
            channel_id=payload.channel_id or "",
            message_ts=message_ts or "",
            trigger_id=payload.trigger_id,
            value=payload.action.value,
            action_ts=payload.click_ts,
        )

    @property
    def number(self) -> int:
        """The button's value as one of our ids; a malformed value never reaches a job."""
        number = parse_record_id(self.value)
        if number is None:
            raise InvalidInputError("That button's value is not a valid request id.")
        return number


def register(app: App, requests: ActionRequests, notices: Notices) -> None:
    """Attach the action listeners, the propose modal's submission, and nothing else."""

    @app.action(Ids.APPROVAL_APPROVE_BUTTON.value)
    def handle_approve_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _vote(Click.from_body(body), "approve")

    @app.action(Ids.APPROVAL_DENY_BUTTON.value)
    def handle_deny_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Ask for an optional reason first: the denial is recorded when the modal is submitted."""
        click = Click.from_body(body)
        metadata = DenyMetadata(
            proposal_id=click.number,
            channel_id=click.channel_id,
            message_ts=click.message_ts,
            click_ts=click.action_ts,
        )
        ack()
        client.views_open(trigger_id=click.trigger_id, view=build_deny_modal(metadata))

    @app.view(Ids.APPROVAL_DENY_MODAL.value)
    def handle_deny_submission(ack: Ack, body: dict[str, Any]) -> None:
        view = body["view"]
        try:
            metadata = DenyMetadata.model_validate_json(view.get("private_metadata") or "{}")
        except ValidationError:
            ack(
                response_action="errors",
                errors={Ids.APPROVAL_DENY_REASON_BLOCK.value: "This form is out of date."},
            )
            return
        values = view.get("state", {}).get("values", {})
        field = (
            values.get(Ids.APPROVAL_DENY_REASON_BLOCK.value, {}).get(Ids.APPROVAL_DENY_REASON_INPUT.value)
            or {}
        )
        ack()
        requests.vote(
            metadata.proposal_id,
            user_id_of(body),
            "deny",
            metadata.channel_id,
            metadata.message_ts,
            metadata.click_ts,
            reason=str(field.get("value") or "").strip()[:MAX_REASON],
        )

    def _vote(click: Click, kind: str) -> None:
        requests.vote(click.number, click.user_id, kind, click.channel_id, click.message_ts, click.action_ts)

    @app.action(Ids.APPROVAL_INFO_BUTTON.value)
    def handle_more_info_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = Click.from_body(body)
        found = requests.details(click.number)
        if found is None:
            if click.channel_id:
                notices.tell(click.action_ts, click.channel_id, click.user_id, "I can't find that request.")
            return
        # trigger_id lives 3 s: the modal opens here (two primary-key reads), not in a job.
        client.views_open(trigger_id=click.trigger_id, view=build_approval_info_modal(*found))

    @app.action(Ids.ACTION_ROLLBACK_BUTTON.value)
    def handle_rollback_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _roll_back(Click.from_body(body), False)

    @app.action(Ids.ACTION_UNDO_BUTTON.value)
    def handle_undo_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _roll_back(Click.from_body(body), True)

    def _roll_back(click: Click, undo: bool) -> None:
        requests.roll_back(
            click.number, click.user_id, click.channel_id, click.message_ts, undo, click.action_ts
        )

    @app.action(Ids.ACTION_FIXED_BUTTON.value)
    def handle_fixed_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _answer(Click.from_body(body), True)

    @app.action(Ids.ACTION_NOT_FIXED_BUTTON.value)
    def handle_not_fixed_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _answer(Click.from_body(body), False)

    def _answer(click: Click, fixed: bool) -> None:
        requests.answer_fixed(
            click.number, click.user_id, fixed, click.channel_id, click.message_ts, click.action_ts
        )

    @app.view(Ids.PROPOSE_MODAL.value)
    def handle_propose_submission(ack: Ack, body: dict[str, Any]) -> None:
        user_id = user_id_of(body)
        view_id = view_id_of(body)
        values = body["view"].get("state", {}).get("values", {})

        def read(block: Ids, action: Ids) -> str:
            return str((values.get(block.value, {}).get(action.value, {}) or {}).get("value") or "").strip()

        case_id = requests.case_id_for_ref(read(Ids.PROPOSE_CASE_BLOCK, Ids.PROPOSE_CASE_INPUT))
        parameters = parse_parameter_lines(read(Ids.PROPOSE_PARAMS_BLOCK, Ids.PROPOSE_PARAMS_INPUT))
        errors = {}
        if case_id is None:
            errors[Ids.PROPOSE_CASE_BLOCK.value] = "No such case: use its number, like FM-12."
        if isinstance(parameters, str):
            errors[Ids.PROPOSE_PARAMS_BLOCK.value] = parameters
        action = read(Ids.PROPOSE_ACTION_BLOCK, Ids.PROPOSE_ACTION_INPUT)
        target = read(Ids.PROPOSE_TARGET_BLOCK, Ids.PROPOSE_TARGET_INPUT)
        if not action or not target:
            errors[Ids.PROPOSE_TARGET_BLOCK.value] = "An action and a target are both needed."
        if errors or case_id is None or isinstance(parameters, str):
            ack(response_action="errors", errors=errors)
            return
        ack()
        reason = read(Ids.PROPOSE_REASON_BLOCK, Ids.PROPOSE_REASON_INPUT)
        requests.propose(case_id, user_id, action, target, parameters, reason, f"modal:{view_id}")


def open_propose_modal(cmd: SlashCommand, client: WebClient) -> None:
    """`/faultmaven run [action target FM-12]`: slash commands carry no thread, so the modal asks the case."""
    words = cmd.argument.split()
    case_ref = next((w for w in words if w.upper().startswith("FM-")), "")
    rest = [w for w in words if w != case_ref]
    view = build_propose_modal(cmd.channel_id, case_ref, rest[0] if rest else "", " ".join(rest[1:2]))
    client.views_open(trigger_id=cmd.trigger_id, view=view)


def propose_from_thread(
    requests: ActionRequests, notices: Notices, case_id: int, channel: str, user: str, rest: str, ts: str
) -> None:
    """`@FaultMaven run …` in a case thread: propose it, or explain the syntax privately."""
    parsed = parse_run(rest)
    if isinstance(parsed, str):
        notices.tell(f"{channel}:{ts}", channel, user, parsed or RUN_USAGE)
        return
    requests.propose(
        case_id,
        user,
        parsed.action,
        parsed.target,
        parsed.parameters,
        parsed.reason,
        f"message:{channel}:{ts}",
    )
