"""A pretend Slack workspace held in memory: messages, ephemerals, views and every recorded call.

One `Workspace` backs both the Web API stand-in (what the bot talks to) and the playground page
(what a person looks at). All state changes happen under one condition variable, so tests can wait
for a call and the page can ask "anything new since version N?".
"""

from __future__ import annotations

import dataclasses
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.playground.channels import PretendChannel, default_channels

BOT_USER_ID = "U0FMBOT"
BOT_ID = "B0FMBOT"
BOT_NAME = "FaultMaven"
TEAM_ID = "T0PLAYGRND"
APP_ID = "A0FAULTMVN"
CHANNEL_ID = "C0INCIDENTS"
CHANNEL_NAME = "incidents"


@dataclass(frozen=True)
class PretendUser:
    id: str
    name: str
    real_name: str
    title: str


USERS = (
    PretendUser("U0ALICE", "alice", "Alice Chen", "SRE, on call"),
    PretendUser("U0BOB", "bob", "Bob Okafor", "Platform engineer"),
    PretendUser("U0CAROL", "carol", "Carol Diaz", "Engineering manager"),
    PretendUser("U0DEV", "dev", "Dev Patel", "Backend engineer"),
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    # When the call was answered (time.monotonic()), so tests can measure pacing.
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An HTTP error for the next `remaining` calls, or for every call until `until` (monotonic)."""

    status: int
    retry_after: int | None = None
    remaining: int = 1
    until: float | None = None

    def applies(self) -> bool:
        """Whether this call fails; counts the call against `remaining`."""
        if self.until is not None:
            return time.monotonic() < self.until
        if self.remaining > 0:
            self.remaining -= 1
            return True
        return False


@dataclass
class Workspace:
    """Thread-safe state. `bot_token` set means calls must carry it; `keep` caps what is remembered."""

    bot_token: str | None = None
    keep: int | None = None
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    modal_stacks: dict[str, list[str]] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    responses: dict[str, dict[str, str]] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    # Seconds a method takes before it is answered (a slow Slack), by method name.
    delays: dict[str, float] = field(default_factory=dict)
    # Uploaded files by id (name, title, length, content bytes); see files_api.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # User group id -> member user ids (usergroups.users.list); tests and the playground fill it in.
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    # Channels by id: names resolve through conversations.list; unlisted ids are taken as joined.
    channels: dict[str, PretendChannel] = field(default_factory=default_channels)
    # Where upload URLs point: the serving LocalSlackApi fills it in when it starts.
    origin: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        self.cond = threading.Condition()
        self._ids = itertools.count(1)
        self._last_ts = 0.0

    # --- bookkeeping (call with self.cond held) ------------------------------------------------
    def changed(self) -> None:
        """Bump the version, forget the oldest state past `keep`, and wake every waiter."""
        self.version += 1
        if self.keep is not None:
            del self.calls[: max(0, len(self.calls) - self.keep)]
            del self.ephemerals[: max(0, len(self.ephemerals) - self.keep)]
            for ts in sorted(self.messages, key=float)[: max(0, len(self.messages) - self.keep)]:
                del self.messages[ts]
            for key in list(self.triggers)[: max(0, len(self.triggers) - self.keep)]:
                del self.triggers[key]
            for key in list(self.files)[: max(0, len(self.files) - self.keep)]:
                del self.files[key]
        self.cond.notify_all()

    def next_ts(self) -> str:
        """A fresh message timestamp: wall-clock seconds, strictly increasing."""
        now = max(time.time(), self._last_ts + 0.000001)
        self._last_ts = now
        return f"{now:.6f}"

    def new_id(self, prefix: str) -> str:
        """A Slack-shaped id such as V00000007."""
        return f"{prefix}{next(self._ids):08d}"

    # --- what the page (a pretend person) does --------------------------------------------------
    def reset(self) -> None:
        """Forget everything (tests call this between cases)."""
        with self.cond:
            for store in (self.calls, self.messages, self.ephemerals, self.views, self.modal_stacks):
                store.clear()
            for other in (
                self.homes,
                self.triggers,
                self.responses,
                self.faults,
                self.delays,
                self.files,
                self.usergroups,
            ):
                other.clear()
            self.channels = default_channels()
            self.changed()

    def new_trigger(self, user_id: str) -> str:
        """A trigger_id for an interaction by `user_id`, so views.open knows whose screen it is."""
        trigger = f"{int(time.time())}.{next(self._ids)}.{secrets.token_hex(8)}"
        with self.cond:
            self.triggers[trigger] = user_id
        return trigger

    def new_response_target(self, user_id: str, channel: str, message_ts: str = "") -> str:
        """The id of a response_url that posts as the bot for this user and channel."""
        target = secrets.token_urlsafe(12)
        with self.cond:
            self.responses[target] = {"user": user_id, "channel": channel, "message_ts": message_ts}
        return target

    def add_message(
        self, channel: str, user: str, text: str, thread_ts: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Store a message as a person (or the bot, with bot_id in `extra`) posted it."""
        with self.cond:
            message = {
                "channel": channel,
                "ts": self.next_ts(),
                "user": user,
                "text": text,
                "blocks": [],
                "thread_ts": thread_ts,
                "edits": 0,
                **extra,
            }
            self.messages[message["ts"]] = message
            self.changed()
            return message

    def add_ephemeral(
        self, channel: str, user: str, text: str, blocks: list[Any], thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message only `user` sees ("Only visible to you")."""
        with self.cond:
            ephemeral = {
                "channel": channel,
                "user": user,
                "text": text,
                "blocks": blocks,
                "thread_ts": thread_ts,
                "ts": self.next_ts(),
            }
            self.ephemerals.append(ephemeral)
            self.changed()
            return ephemeral

    def close_modal(self, user_id: str, view_id: str, clear: bool = False) -> None:
        """Pop `view_id` (or every modal, with `clear`) off the user's modal stack."""
        with self.cond:
            stack = self.modal_stacks.get(user_id, [])
            if clear:
                stack.clear()
            elif view_id in stack:
                del stack[stack.index(view_id) :]
            self.changed()

    # --- what tests and the page read -------------------------------------------------------------
    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until predicate() holds after some change, or the deadline passes."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.cond.wait(remaining)
            return True

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one Web API method, oldest first."""
        with self.cond:
            return [c for c in self.calls if c.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages in a thread (root excluded), oldest first, as they look now."""
        with self.cond:
            found = [
                m
                for m in self.messages.values()
                if m["channel"] == channel and m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    def ephemeral(self, ts: str, user_id: str | None = None) -> dict[str, Any] | None:
        """The "only visible to you" message at `ts` (shown to `user_id`, when given); call with cond held."""
        return next(
            (e for e in self.ephemerals if e["ts"] == ts and user_id in (None, e["user"])),
            None,
        )

    def channel_list(self) -> list[dict[str, Any]]:
        """Every channel's id, name and flags, for the page to show names where Slack would."""
        with self.cond:
            return [dataclasses.asdict(channel) for channel in self.channels.values()]

    def modal_for(self, user_id: str) -> dict[str, Any] | None:
        """The modal on top of the user's stack, if any."""
        with self.cond:
            stack = self.modal_stacks.get(user_id) or []
            return self.views.get(stack[-1]) if stack else None

    def snapshot(self, user_id: str) -> dict[str, Any]:
        """Everything the page shows to `user_id`, as JSON-able data."""
        with self.cond:
            messages = sorted(self.messages.values(), key=lambda m: float(m["ts"]))
            replies: dict[tuple[str, str], int] = {}
            for m in messages:
                if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
                    key = (m["channel"], m["thread_ts"])
                    replies[key] = replies.get(key, 0) + 1
            home_id = self.homes.get(user_id)
            modal = self.modal_for(user_id)
            return {
                "version": self.version,
                "messages": [{**m, "reply_count": replies.get((m["channel"], m["ts"]), 0)} for m in messages],
                "ephemerals": [e for e in self.ephemerals if e["user"] == user_id],
                "modal": modal,
                "home": self.views.get(home_id) if home_id else None,
            }
