"""Slack traffic for the many-process test: cases, thread replies (with Slack's retries) and vote clicks.

Every request is built and signed as Slack would send it and spread over the web processes; a
redelivery goes to the web process that did not get the first delivery, as a load balancer may do.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.reliability.stack import Stack
from bot.blocks.runbook_feedback import FEEDBACK_TEXT
from bot.ids import Ids
from bot.playground.workspace import BOT_ID, BOT_USER_ID
from tests.fakes.signing import (
    event_body,
    interactive_body,
    signed_headers,
    slash_command_body,
)

CHANNELS = tuple(f"C0FLEET{n:02d}" for n in range(24))
VOTERS = ("U0ALICE", "U0BOB", "U0CAROL")
# Reports the keyword search matches to a shipped runbook, so every case gets a suggestion to vote on.
REPORTS = (
    "redis OOM command not allowed when used memory > maxmemory on cache-01",
    "postgres FATAL sorry, too many clients already on orders-db",
    "checkout pods OOMKilled since the deploy, exit code 137",
    "disk full on db-1: No space left on device",
    "nginx ingress 502 bad gateway on the payments API",
    "kafka consumer lag growing on the orders topic",
)
_REF = re.compile(r"FM-(\d+)")
_ROOT_REF = re.compile(r"FM-(\d+) ·")


@dataclass
class Tally:
    """What was sent and how the web processes answered."""

    sent: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1


@dataclass
class Case:
    n: int
    channel: str
    case_id: int | None = None
    root_ts: str | None = None
    replied: bool = False
    resolve_sent: bool = False
    voted: bool = False


class Traffic:
    """Sends through a small pool of concurrent clients; `wait()` blocks until every send finished."""

    def __init__(self, stack: Stack, clients: int = 8) -> None:
        self.stack = stack
        self.pool = ThreadPoolExecutor(clients, thread_name_prefix="slack")
        self.futures: list[Future[None]] = []
        self.tally = Tally()
        self._lock = threading.Lock()
        self._event_ids = iter(range(1, 10**9))

    def _post(
        self, kind: str, body: str, content_type: str, web: int, extra: dict[str, str] | None = None
    ) -> None:
        headers = {**signed_headers(body, content_type=content_type), **(extra or {})}
        response = self.stack.post_slack(body, headers, web=web)
        with self._lock:
            self.tally.count(kind)
            if response.status_code != 200:
                self.tally.refused.append(f"{kind} → web {web}: {response.status_code} {response.text[:200]}")

    def send(
        self, kind: str, body: str, web: int, content_type: str = "application/x-www-form-urlencoded"
    ) -> None:
        self.futures.append(self.pool.submit(self._post, kind, body, content_type, web))

    def send_event(self, kind: str, event: dict[str, Any], web: int, redeliver: bool) -> None:
        """An Events API callback; with `redeliver`, Slack's retry of it to the other web process too."""
        body = event_body(event, event_id=f"Ev0FLEET{next(self._event_ids):07d}")
        self.send(kind, body, web, "application/json")
        if redeliver:
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            self.futures.append(
                self.pool.submit(self._post, f"{kind} retry", body, "application/json", 1 - web, retry)
            )

    def open_case(self, case: Case) -> Future[int]:
        """`/faultmaven help …` on web n % 2; the future gives the case id from the ack."""
        text = f"help {REPORTS[case.n % len(REPORTS)]} (fleet {case.n})"
        body = slash_command_body(
            text, trigger_id=f"fleet.{case.n}", channel_id=case.channel, user_id=VOTERS[case.n % 3]
        )

        def post() -> int:
            response = self.stack.post_slack(body, signed_headers(body), web=case.n % 2)
            found = _REF.search(response.text)
            with self._lock:
                self.tally.count("case")
                if response.status_code != 200 or found is None:
                    self.tally.refused.append(f"case {case.n}: {response.status_code} {response.text[:200]}")
            return int(found.group(1)) if found else -1

        return self.pool.submit(post)

    def reply(self, case: Case, redeliver: bool) -> None:
        """A person's evidence in the case thread (it exists in the pretend Slack too)."""
        assert case.root_ts is not None
        user = VOTERS[(case.n + 1) % 3]
        text = f"pods restarted at 14:02, memory at the limit before each restart (reply {case.n})"
        message = self.stack.slack.workspace.add_message(case.channel, user, text, thread_ts=case.root_ts)
        event = _message_event(message)
        self.send_event("reply", event, web=case.n % 2, redeliver=redeliver)
        case.replied = True

    def resolve(self, case: Case) -> None:
        """`@FaultMaven resolve …` in the thread: Slack sends `message` and `app_mention`, one per web."""
        assert case.root_ts is not None
        text = f"<@{BOT_USER_ID}> resolve raised the memory limit and restarted (fleet {case.n})"
        message = self.stack.slack.workspace.add_message(
            case.channel, VOTERS[case.n % 3], text, thread_ts=case.root_ts
        )
        event = _message_event(message)
        self.send_event("resolve", event, web=case.n % 2, redeliver=False)
        self.send_event("resolve", {**event, "type": "app_mention"}, web=1 - case.n % 2, redeliver=False)
        case.resolve_sent = True

    def vote(self, case: Case, prompt: dict[str, Any], double: bool) -> None:
        """Each voter clicks ✅ (the last one ❌) on the prompt's first runbook; `double` re-sends one."""
        button_block = next(b for b in prompt["blocks"] if b.get("type") == "actions")
        for index, user in enumerate(VOTERS):
            wanted = Ids.RUNBOOK_FAILED_BUTTON if index == 2 else Ids.RUNBOOK_WORKED_BUTTON
            element = next(e for e in button_block["elements"] if e["action_id"] == wanted.value)
            body = interactive_body(_click(user, case, prompt, button_block["block_id"], element))
            web = (case.n + index) % 2
            self.send("click", body, web)
            if double and index == 0:
                self.send("click again", body, 1 - web)  # the same click delivered twice
        case.voted = True

    def wait(self) -> None:
        for future in self.futures:
            future.result()
        self.futures.clear()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _message_event(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": message["channel"],
        "user": message["user"],
        "text": message["text"],
        "ts": message["ts"],
        "event_ts": message["ts"],
        "thread_ts": message["thread_ts"],
        "parent_user_id": BOT_USER_ID,  # every thread here is under a case root the bot posted
        "channel_type": "channel",
    }


def _click(
    user: str, case: Case, prompt: dict[str, Any], block_id: str, element: dict[str, Any]
) -> dict[str, Any]:
    action_ts = f"{float(prompt['ts']) + 1 + VOTERS.index(user) / 10:.6f}"
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T111"},
        "api_app_id": "A111",
        "team": {"id": "T111", "domain": "test"},
        "trigger_id": f"{action_ts}.fleet.{user}",
        "channel": {"id": case.channel, "name": "incidents"},
        "container": {
            "type": "message",
            "channel_id": case.channel,
            "message_ts": prompt["ts"],
            "thread_ts": case.root_ts,
            "is_ephemeral": False,
        },
        "message": {
            "type": "message",
            "ts": prompt["ts"],
            "text": prompt["text"],
            "blocks": prompt["blocks"],
        },
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": block_id,
                "value": element["value"],
                "text": element["text"],
                "action_ts": action_ts,
            }
        ],
        "state": {"values": {}},
    }


# --- what the pretend Slack shows --------------------------------------------------------------------


def bot_messages(stack: Stack) -> list[dict[str, Any]]:
    with stack.slack.workspace.cond:
        return [dict(m) for m in stack.slack.workspace.messages.values() if m.get("bot_id") == BOT_ID]


def roots_by_case(messages: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Root messages by the case id they announce (a case with two roots is a duplicate post)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        if message.get("thread_ts") in (None, message["ts"]):
            match = _ROOT_REF.search(json.dumps(message.get("blocks") or [], ensure_ascii=False))
            if match:
                found.setdefault(int(match.group(1)), []).append(message)
    return found


def threads(messages: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Bot messages inside threads, by (channel, thread root ts)."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for message in messages:
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            found.setdefault((message["channel"], thread_ts), []).append(message)
    return found


def duplicate_posts(thread: list[dict[str, Any]]) -> list[str]:
    """Bot posts in one thread that repeat another (a re-run posting again): the same case message
    role in their metadata (progress, answer to message n), or else the same text."""
    seen: dict[str, int] = {}
    for message in thread:
        payload = (message.get("metadata") or {}).get("event_payload")
        key = json.dumps(payload, sort_keys=True) if payload else f"text:{message.get('text')}"
        seen[key] = seen.get(key, 0) + 1
    return [f"{n}× {key[:120]}" for key, n in seen.items() if n > 1]


def has_text(thread: list[dict[str, Any]], wanted: Callable[[str], bool]) -> dict[str, Any] | None:
    return next((m for m in thread if wanted(str(m.get("text")))), None)


def feedback_prompt(thread: list[dict[str, Any]]) -> dict[str, Any] | None:
    return has_text(thread, lambda text: text == FEEDBACK_TEXT)
