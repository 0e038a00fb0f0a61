"""Pydantic models for what Slack sends us; nothing past handlers/ sees a raw dict."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def strip_mentions(text: str) -> str:
    """Remove `<@U123>` mentions, leaving the words people typed."""
    return _MENTION.sub("", text).strip()


class SlashCommand(BaseModel):
    model_config = ConfigDict(extra="ignore")

    command: str
    text: str = ""
    user_id: str
    channel_id: str
    trigger_id: str

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
    channel: str
    user: str | None = None
    text: str = ""
    ts: str
    thread_ts: str | None = None
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
            if raw is None and element.get("selected_option"):
                raw = element["selected_option"].get("value")
            return raw.strip() if isinstance(raw, str) and raw.strip() else None

        meta = json.loads(view.get("private_metadata") or "{}")
        problem = read("problem") or ""
        return cls(
            view_id=view["id"],
            user_id=user_id,
            channel_id=meta.get("channel_id", ""),
            title=read("title") or problem[:80],
            problem=problem,
            service=read("service"),
            severity=read("severity"),
        )
