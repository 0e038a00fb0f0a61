"""Malformed request bodies, generated deterministically, as a fuzzer or a hostile sender sends them."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from bot.ids import Ids

# The shapes the fuzz run found crashing, verbatim.
CLASSIC = [b"[]", b"null", b"1", b"{", b"\xff", b"payload=%7B", b"foo=bar", b"", b"payload=", b'"x"']
DEEP = b"[" * 5000 + b"]" * 5000
DEEP_OBJECT = b'{"a":' * 5000 + b"1" + b"}" * 5000

BUTTONS = [member.value for member in Ids if member.name.endswith("_BUTTON")]
MODALS = [member.value for member in Ids if member.name.endswith("_MODAL")]
HOSTILE_VALUES = ["²", "99999999999999999999", "7" * 5000, "", "-1", "0", "1:", ":x", "\u0663", "1e3", " 1"]
WRONG_TYPES: list[Any] = [None, 5, 1.5, True, [], {}, "x", [1], {"id": 5}]


def _click(action_id: str, value: Any, rng: random.Random) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "W1"},
        "trigger_id": "1.2.3",
        "channel": {"id": "C1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "1.1"},
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "action_ts": "9.9"}],
    }
    if rng.random() < 0.5:  # a field of the wrong type somewhere Bolt or a listener reads
        field = rng.choice(["user", "trigger_id", "channel", "container", "actions", "team", "message"])
        payload[field] = rng.choice(WRONG_TYPES)
    return payload


def _event(rng: random.Random) -> dict[str, Any]:
    event: dict[str, Any] = {"type": rng.choice(["app_mention", "message"]), "channel": "C1", "ts": "1.1"}
    event[rng.choice(["user", "text", "thread_ts", "channel", "ts", "type"])] = rng.choice(WRONG_TYPES)
    envelope: dict[str, Any] = {"type": "event_callback", "event_id": "Ev1", "event": event}
    if rng.random() < 0.3:
        envelope[rng.choice(["authorizations", "team_id", "event", "api_app_id"])] = rng.choice(WRONG_TYPES)
    return envelope


def _view(rng: random.Random) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": "V1",
        "type": "modal",
        "callback_id": rng.choice(MODALS),
        "private_metadata": rng.choice(["{", "[]", "null", '{"channel_id": 5}', '{"runbook_id": "x"}']),
        "state": {"values": {"b": {"a": {"value": rng.choice(WRONG_TYPES)}}}},
    }
    view[rng.choice(["id", "state", "private_metadata", "callback_id"])] = rng.choice(WRONG_TYPES)
    return {"type": "view_submission", "user": rng.choice([{"id": "W1"}, *WRONG_TYPES]), "view": view}


def _command(rng: random.Random) -> bytes:
    fields = {
        "command": "/faultmaven",
        "text": "help",
        "user_id": "W1",
        "channel_id": "C1",
        "trigger_id": "t",
    }
    del fields[rng.choice(["text", "user_id", "channel_id", "trigger_id"])]
    return urlencode(fields).encode()


def slack_bodies(count: int, seed: int = 12) -> Iterator[tuple[bytes, str]]:
    """(body, content type) pairs: the classic crashers, then `count` generated ones."""
    form, as_json = "application/x-www-form-urlencoded", "application/json"
    for body in [*CLASSIC, DEEP, DEEP_OBJECT]:
        yield body, as_json if body.startswith((b"[", b"{", b"n", b"1", b'"')) else form
    yield urlencode({"payload": DEEP.decode()}).encode(), form
    rng = random.Random(seed)
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            value = rng.choice([*HOSTILE_VALUES, *WRONG_TYPES])
            yield urlencode({"payload": json.dumps(_click(rng.choice(BUTTONS), value, rng))}).encode(), form
        elif kind == 1:
            yield json.dumps(_event(rng)).encode(), as_json
        elif kind == 2:
            yield urlencode({"payload": json.dumps(_view(rng))}).encode(), form
        elif kind == 3:
            yield _command(rng), form
        else:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))), rng.choice([form, as_json])


def webhook_bodies(count: int, seed: int = 13) -> Iterator[bytes]:
    """Malformed JSON for the incident webhooks: the classics, then objects with wrong types."""
    yield from [*CLASSIC, DEEP, DEEP_OBJECT]
    rng = random.Random(seed)
    for _ in range(count):
        shape: dict[str, Any] = {
            "event": {"id": "E1", "event_type": "incident.triggered", "data": {"id": "P1"}},
            "alerts": [{"status": "firing", "labels": {}}],
            "status": "firing",
            "groupKey": "g",
        }
        target = shape["event"] if rng.random() < 0.5 else shape
        target[rng.choice(list(target))] = rng.choice(WRONG_TYPES)
        yield json.dumps(shape).encode()
