"""Known-fix review: Approve… / Reject… open a form, Disable and form submissions enqueue the decision."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from redis.exceptions import RedisError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.known_fixes import (
    KnownFixTarget,
    build_known_fix_approve_modal,
    build_known_fix_reject_modal,
)
from bot.ids import Ids
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id
from handlers.actions import ButtonClick
from jobs.learning.requests import KnownFixDecision, LearningRequests

QUEUE_DOWN = "Couldn't record that right now (the worker queue is unreachable). Please try again in a minute."


def _typed(view: dict[str, Any], block_id: Ids) -> str:
    values = (view.get("state") or {}).get("values") or {}
    raw = (values.get(block_id.value) or {}).get(Ids.KNOWN_FIX_INPUT.value, {}).get("value")
    return raw.strip() if isinstance(raw, str) else ""


def _target(view: dict[str, Any]) -> KnownFixTarget | None:
    try:
        return KnownFixTarget.model_validate_json(view.get("private_metadata") or "{}")
    except ValidationError:
        return None


def _fix_id(value: str) -> int:
    """The button's known-fix id; a malformed value is refused at the edge, never passed on."""
    fix_id = parse_record_id(value)
    if fix_id is None:
        raise InvalidInputError("That button's value is not a valid known-fix id.")
    return fix_id


def register(app: App, requests: LearningRequests) -> None:
    """Attach the known-fix button and form listeners."""

    @app.action(Ids.KNOWN_FIX_APPROVE_BUTTON.value)
    def handle_known_fix_approve_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        fix_id = _fix_id(click.value)
        if fix_id is not None:
            # trigger_id lives 3 s: the form opens here; the name is typed by the reviewer.
            target = KnownFixTarget(fix_id=fix_id, channel_id=click.channel_id)
            client.views_open(trigger_id=click.trigger_id, view=build_known_fix_approve_modal(target, ""))

    @app.action(Ids.KNOWN_FIX_REJECT_BUTTON.value)
    def handle_known_fix_reject_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        click = ButtonClick.from_body(body)
        fix_id = _fix_id(click.value)
        if fix_id is not None:
            target = KnownFixTarget(fix_id=fix_id, channel_id=click.channel_id)
            client.views_open(trigger_id=click.trigger_id, view=build_known_fix_reject_modal(target))

    @app.action(Ids.KNOWN_FIX_DISABLE_BUTTON.value)
    def handle_known_fix_disable_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        fix_id = _fix_id(click.value)
        if fix_id is not None:
            decision = KnownFixDecision(
                fix_id=fix_id,
                user_id=click.user_id,
                decision="disable",
                channel_id=click.channel_id or "",
            )
            requests.decide_known_fix(f"{click.action_ts}:{click.user_id}", decision)

    @app.view(Ids.KNOWN_FIX_APPROVE_MODAL.value)
    def handle_known_fix_approve_submission(ack: Ack, body: dict[str, Any]) -> None:
        view, target = body["view"], _target(body["view"])
        name = _typed(view, Ids.KNOWN_FIX_NAME)
        if target is None or not name:
            ack(response_action="errors", errors={Ids.KNOWN_FIX_NAME.value: "Give the known fix a name."})
            return
        decision = KnownFixDecision(
            fix_id=target.fix_id,
            user_id=body["user"]["id"],
            decision="approve",
            name=name,
            text=_typed(view, Ids.KNOWN_FIX_NOTES),
            channel_id=target.channel_id or "",
        )
        _submit(ack, requests, view, decision, Ids.KNOWN_FIX_NAME)

    @app.view(Ids.KNOWN_FIX_REJECT_MODAL.value)
    def handle_known_fix_reject_submission(ack: Ack, body: dict[str, Any]) -> None:
        view, target = body["view"], _target(body["view"])
        reason = _typed(view, Ids.KNOWN_FIX_REASON)
        if target is None or not reason:
            ack(
                response_action="errors",
                errors={Ids.KNOWN_FIX_REASON.value: "Say why it should not be used."},
            )
            return
        decision = KnownFixDecision(
            fix_id=target.fix_id,
            user_id=body["user"]["id"],
            decision="reject",
            text=reason,
            channel_id=target.channel_id or "",
        )
        _submit(ack, requests, view, decision, Ids.KNOWN_FIX_REASON)


def _submit(
    ack: Ack, requests: LearningRequests, view: dict[str, Any], decision: KnownFixDecision, field: Ids
) -> None:
    """Enqueue before acking: a queue outage keeps the form open with the reviewer's words in it."""
    key = f"{view.get('id', '')}:{decision.user_id}"
    try:
        requests.decide_known_fix(key, decision)  # False: this very submission is already queued
    except RedisError:
        ack(response_action="errors", errors={field.value: QUEUE_DOWN})
        return
    ack()
