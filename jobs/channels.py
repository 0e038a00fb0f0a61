"""Channels people name in commands: `<#C123|name>` (Slack escaped it) or a plain `#name`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel
from slack_sdk import WebClient

_ESCAPED = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>$")
# Slack channel names: lower-case letters, digits, '-', '_' and '.', at most 80 characters.
_PLAIN = re.compile(r"^#?(?P<name>[a-z0-9][a-z0-9._-]{0,79})$")


class ChannelRef(BaseModel):
    """What someone typed: an id Slack already resolved, or a name still to look up."""

    typed: str
    channel_id: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """How to say it back: a channel link when we have the id, else the name as typed."""
        if self.channel_id:
            return f"<#{self.channel_id}>"
        return f"#{self.name}" if self.name else self.typed


def parse_channel_ref(text: str) -> ChannelRef | None:
    """The channel in `text` (one word), or None when it does not look like a channel at all."""
    word = text.strip()
    if escaped := _ESCAPED.match(word):
        return ChannelRef(typed=word, channel_id=escaped.group("id"), name=escaped.group("name") or None)
    if plain := _PLAIN.match(word.lower()):
        return ChannelRef(typed=word, name=plain.group("name"))
    return None


@dataclass
class ChannelDirectory:
    """Channel names to ids through conversations.list, remembered briefly (renames are rare)."""

    ttl_seconds: float = 60.0
    # An unknown name reloads the list, but not more often than this: typos should not hammer Slack.
    miss_reload_seconds: float = 5.0
    clock: Callable[[], float] = time.monotonic
    _ids: dict[str, str] = field(default_factory=dict)
    _loaded_at: float | None = None

    def find(self, slack: WebClient, name: str) -> str | None:
        """The id of the unarchived channel called `name` the bot can see, or None."""
        name = name.lower().lstrip("#")
        age = float("inf") if self._loaded_at is None else self.clock() - self._loaded_at
        if age >= self.ttl_seconds or (name not in self._ids and age >= self.miss_reload_seconds):
            # A miss reloads too: the channel may be newer than the cache.
            self._load(slack)
        return self._ids.get(name)

    def _load(self, slack: WebClient) -> None:
        ids: dict[str, str] = {}
        cursor: str | None = None
        while True:
            page = slack.conversations_list(
                types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=cursor
            )
            for channel in page.get("channels") or []:
                ids[str(channel["name"])] = str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        self._ids, self._loaded_at = ids, self.clock()
