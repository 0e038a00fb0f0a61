"""Signed Slack bodies checked for shape before Bolt sees them, so a malformed one gets a 400 with a reason.

Bolt parses a body as JSON when it is declared JSON or starts with `{`, else as a form whose `payload`
field (when present) is JSON. The same reading is done here first, defensively: any body Bolt would
choke on (not UTF-8, not JSON, not an object, nested absurdly deep, fields of the wrong type) is refused
with a reason instead of surfacing as a 500 or a listener crash.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from handlers.inbound import RequestRefused

# Slack's payloads nest a dozen levels at most (blocks inside views inside payloads).
MAX_DEPTH = 64


class _Named(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    id: str


class _Action(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    action_id: str | None = None
    block_id: str | None = None
    value: str | None = None
    action_ts: str | None = None


class _Authorization(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    team_id: str | None = None
    user_id: str | None = None
    enterprise_id: str | None = None
    is_enterprise_install: bool | None = None


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    type: str
    subtype: str | None = None
    channel: str | _Named | None = None
    user: str | _Named | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    bot_id: str | None = None


class _View(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    id: str
    type: str  # Bolt reads it unchecked (workflow steps)
    callback_id: str | None = None
    private_metadata: str | None = None
    state: dict[str, dict[str, dict[str, Any]]] | None = None


class SlackEnvelope(BaseModel):
    """The fields Bolt and our listeners read, with the types Slack documents for them."""

    model_config = ConfigDict(extra="allow", strict=True)

    type: str | None = None
    command: str | None = None
    text: str | None = None
    token: str | None = None
    team_id: str | None = None
    enterprise_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    is_enterprise_install: bool | str | None = None
    team: _Named | None = None
    enterprise: _Named | None = None
    user: _Named | None = None
    channel: _Named | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    actions: list[_Action] | None = None
    view: _View | None = None
    event: _Event | None = None
    authorizations: list[_Authorization] | None = None
    callback_id: str | None = None

    @model_validator(mode="after")
    def _has_what_its_type_needs(self) -> SlackEnvelope:
        needed = _NEEDED_BY_TYPE.get(self.type or "", ())
        missing = [name for name in needed if getattr(self, name) in (None, [])]
        if missing:
            raise ValueError(f"a {self.type} request needs {', '.join(missing)}")
        return self


# What Bolt's routing and our listeners read without checking, per request type.
_NEEDED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "event_callback": ("event",),
    "block_actions": ("user", "actions", "trigger_id"),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
}


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return False


def _load_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as error:
        raise RequestRefused(400, "malformed", f"{what} is nested too deeply") from error
    except ValueError as error:
        raise RequestRefused(400, "malformed", f"{what} is not valid JSON") from error


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"[:200]


def check_slack_body(body: bytes, content_type: str | None) -> str:
    """The body for Bolt to parse; a signed body that is not a Slack request Bolt can read gets a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestRefused(400, "malformed", "the body is not UTF-8") from error
    if not text:
        raise RequestRefused(400, "malformed", "the body is empty")
    declared_json = (content_type or "").split(";")[0].strip() == "application/json"
    if declared_json or text.startswith("{"):
        parsed = _load_json(text, "the body")
    else:
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in text and "payload" not in fields and "command" in fields:
            # Bolt reads any form containing the word "payload" as an interactive payload, so a slash
            # command mentioning it would be lost; the same fields, with that word's "p" escaped, are not.
            _check(fields)
            return urlencode(fields).replace("payload", "%70ayload")
        if "payload" in text:
            if "payload" not in fields:
                raise RequestRefused(400, "malformed", "the form has no payload field")
            parsed = _load_json(fields["payload"], "the payload field")
        elif "command" in fields or "ssl_check" in fields:
            parsed = fields
        else:
            raise RequestRefused(400, "malformed", "a form body needs a payload or a command field")
    _check(parsed)
    return text


def _check(parsed: Any) -> None:
    if not isinstance(parsed, dict):
        raise RequestRefused(400, "malformed", "the body must be a JSON object")
    if _too_deep(parsed):
        raise RequestRefused(400, "malformed", f"the body is nested deeper than {MAX_DEPTH} levels")
    try:
        envelope = SlackEnvelope.model_validate(parsed)
    except ValidationError as error:
        raise RequestRefused(400, "malformed", _reason(error)) from error
    if envelope.type is None and envelope.command is None and "ssl_check" not in parsed:
        raise RequestRefused(400, "malformed", "the body has neither a type nor a command")
