"""Pydantic models for what Slack sends us; nothing past handlers/ sees a raw dict."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import InvalidInputError
from engine.triage import title_from_text

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def strip_mentions(text: str) -> str:
    """Remove `<@U123>` mentions, leaving the words people typed."""
    return _MENTION.sub("", text).strip()


class SlashCommand(BaseModel):
    model_config = ConfigDict(extra="ignore")

    command: str = Field(max_length=64)
    text: str = ""
    # Slack's ids are short; bounding them keeps the keys built from them within their columns.
    user_id: str = Field(min_length=1, max_length=64)
    channel_id: str = Field(min_length=1, max_length=64)
    trigger_id: str = Field(min_length=1, max_length=128)

    @property
    def subcommand(self) -> str:
        """The first word, lower-cased ('' for a bare command)."""
        parts = self.text.strip().split(maxsplit=1)
        return parts[0].lower() if parts else ""

    @property
    def argument(self) -> str:
        """Everything after the first word."""
        parts = self.text.strip().split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


class MessageEvent(BaseModel):
    """A channel message or app_mention, with only the fields we act on."""

    model_config = ConfigDict(extra="ignore")

    type: str
    channel: str = Field(min_length=1, max_length=64)
    user: str | None = Field(default=None, max_length=64)
    text: str = ""
    ts: str = Field(min_length=1, max_length=64)
    thread_ts: str | None = Field(default=None, max_length=64)
    # Who posted the thread's root (Slack sends it with thread replies).
    parent_user_id: str | None = Field(default=None, max_length=64)
    subtype: str | None = None
    bot_id: str | None = None

    @property
    def words(self) -> str:
        """The message text without mentions."""
        return strip_mentions(self.text)

    @property
    def from_a_person(self) -> bool:
        """Ignore bots, edits, joins and other non-human subtypes."""
        return (
            self.user is not None
            and self.bot_id is None
            and self.subtype in (None, "file_share", "thread_broadcast")
        )


class ReportSubmission(BaseModel):
    """The report-a-problem modal, submitted."""

    view_id: str
    user_id: str
    channel_id: str
    title: str = Field(min_length=1)
    problem: str = Field(min_length=1)
    service: str | None = None
    severity: str | None = None

    @classmethod
    def from_view(
        cls, user_id: str, view: dict[str, Any], ids: dict[str, tuple[str, str]]
    ) -> ReportSubmission:
        """Read the modal's state values; `ids` maps field name to (block_id, action_id)."""
        values = view.get("state", {}).get("values", {})

        def read(field: str) -> str | None:
            block, action = ids[field]
            element = values.get(block, {}).get(action, {})
            raw = element.get("value")
            selected = element.get("selected_option")
            if raw is None and isinstance(selected, dict):
                raw = selected.get("value")
            return raw.strip() if isinstance(raw, str) and raw.strip() else None

        meta = json.loads(view.get("private_metadata") or "{}")  # ValueError when it is not JSON
        if not isinstance(meta, dict):
            meta = {}
        problem = read("problem") or ""
        return cls(
            view_id=view["id"],
            user_id=user_id,
            channel_id=meta.get("channel_id", ""),
            # The first line or sentence, never a pasted log line run into the header.
            title=read("title") or title_from_text(problem),
            problem=problem,
            service=read("service"),
            severity=read("severity"),
        )


def validation_reason(error: ValidationError) -> str:
    """Where and what, in pydantic's words (never the offending input), short enough for a reply."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"[:200]


class _SlackId(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)


class _Container(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel_id: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=64)
    thread_ts: str | None = Field(default=None, max_length=64)
    is_ephemeral: bool = False


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ts: str | None = Field(default=None, max_length=64)


class _ClickedAction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # Our buttons carry ids and short keys; Slack caps a button value at 2,000 characters.
    value: str = Field(default="", max_length=2000)
    action_ts: str | None = Field(default=None, max_length=64)


class BlockActions(BaseModel):
    """The parts of a block_actions payload every button handler reads, type-checked."""

    model_config = ConfigDict(extra="ignore")

    user: _SlackId
    trigger_id: str = Field(min_length=1, max_length=256)
    actions: list[_ClickedAction] = Field(min_length=1)
    channel: _SlackId | None = None
    container: _Container = Field(default_factory=_Container)
    message: _Message | None = None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> BlockActions:
        """The payload, or InvalidInputError saying what was wrong with it."""
        try:
            return cls.model_validate(body)
        except ValidationError as error:
            raise InvalidInputError(f"That click could not be read ({validation_reason(error)}).") from error

    @property
    def action(self) -> _ClickedAction:
        """The clicked element (Slack sends exactly one per click)."""
        return self.actions[0]

    @property
    def channel_id(self) -> str | None:
        """Where the clicked message is."""
        return (self.channel.id if self.channel else None) or self.container.channel_id

    @property
    def click_ts(self) -> str:
        """What identifies this click: its action_ts (a redelivery carries the same one)."""
        return self.action.action_ts or self.trigger_id


def user_id_of(body: dict[str, Any]) -> str:
    """The person behind an interaction payload, or InvalidInputError."""
    try:
        return _SlackId.model_validate(body.get("user")).id
    except ValidationError as error:
        raise InvalidInputError(f"That request names no user ({validation_reason(error)}).") from error


class _ViewRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)


def view_id_of(body: dict[str, Any]) -> str:
    """The submitted modal's id, or InvalidInputError."""
    try:
        return _ViewRef.model_validate(body.get("view")).id
    except ValidationError as error:
        raise InvalidInputError(
            f"That form submission names no view ({validation_reason(error)})."
        ) from error
