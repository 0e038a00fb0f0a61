"""Hostile and repeated input: redeliveries, fuzzed bodies on every endpoint, forged and stale signatures."""

from __future__ import annotations

import random
import time
from typing import Any

import httpx

from bench.reliability.stack import CHANNELS, Result, Stack, raw_headers
from bot.ids import Ids
from tests.fakes.signing import event_body, interactive_body, signed_headers, slash_command_body

# Button values and ids that once reached jobs and failed them in every retry.
HOSTILE_IDS = (
    "99999999999999999999",
    "²",
    "1" * 5000,
    "-1",
    "1e9",
    "0x10",
    " 7",
    "",
    "null",
    "१२",
    "7\x00",
    "<!channel>",
)
RAW_BODIES = (
    b"",
    b"[]",
    b"null",
    b"1",
    b"{",
    b"\xff\xfe\xfd",
    b"payload=%7B",
    b"payload=",
    b"payload=%5B%5D",
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"command=%2Ffaultmaven",
    b"type=url_verification",
    b'{"type":"event_callback","event":"x"}',
    b'{"type":"event_callback","event":{"type":"message","channel":1,"ts":[]}}',
    b'{"type":"block_actions"}',
)


def _interactive(action_id: str, value: str, user: str = "W0FUZZ") -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"fuzz.{random.random()}",
        "channel": {"id": CHANNELS[0]},
        "container": {"type": "message", "channel_id": CHANNELS[0], "message_ts": "1800000000.000100"},
        "actions": [
            {"action_id": action_id, "block_id": "b1", "value": value, "action_ts": str(time.time())}
        ],
    }
    return interactive_body(payload)


def _view_submission(callback_id: str, value: str) -> str:
    payload: dict[str, Any] = {
        "type": "view_submission",
        "user": {"id": "W0FUZZ"},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"fuzz.{random.random()}",
        "view": {
            "id": f"V{random.randint(0, 10**9)}",
            "callback_id": callback_id,
            "private_metadata": value,
            "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": value}}}},
        },
    }
    return interactive_body(payload)


def _signed_cases(rng: random.Random) -> list[tuple[str, str | bytes, str]]:
    """(path, body, content type) that carry a valid signature but say nothing sensible."""
    cases: list[tuple[str, str | bytes, str]] = []
    form, js = "application/x-www-form-urlencoded", "application/json"
    for body in RAW_BODIES:
        cases += [("/slack/events", body, form), ("/slack/events", body, js)]
    for ident in Ids:
        value = rng.choice(HOSTILE_IDS)
        cases.append(("/slack/events", _interactive(ident.value, value), form))
        cases.append(("/slack/events", _view_submission(ident.value, value), form))
    for words in (
        "run",
        "runbook share RB-99999999999999999999 #x",
        "runbook show RB-²",
        "audit FM-" + "9" * 5000,
        "status FM-<!channel>",
        "help " + "x" * 40000,
        "runbook share RB-1 <#C123|x>",
        "\x00\x01",
    ):
        cases.append(("/slack/events", slash_command_body(words, trigger_id=f"fz.{rng.random()}"), form))
    for event in (
        {
            "type": "app_mention",
            "channel": CHANNELS[0],
            "user": "W1",
            "ts": "1.1",
            "text": "<@U0FMBOT> approve ²",
        },
        {"type": "message", "channel": CHANNELS[0], "user": "W1", "ts": "x", "thread_ts": "y", "text": None},
        {"type": "message", "subtype": "message_changed", "channel": CHANNELS[0]},
        {"type": "app_home_opened", "user": 7},
    ):
        cases.append(("/slack/events", event_body(event, f"EvFz{rng.random()}"), js))
    return cases


def fuzz(stack: Stack, total: int, seed: int = 7) -> Result:
    """Every endpoint, signed and unsigned garbage: no 5xx, no crash, no failed job, small logs."""
    rng = random.Random(seed)
    signed = _signed_cases(rng)
    paths = ("/slack/events", "/webhooks/pagerduty", "/webhooks/alertmanager", "/healthz", "/readyz", "/")
    statuses: dict[int, int] = {}
    server_errors: dict[str, int] = {}
    crashes = 0
    rejected = 0
    logs_before = stack.log_bytes()
    for n in range(total):
        if n % 3 == 0:
            path, body, ctype = signed[n // 3 % len(signed)]
            raw = body.encode() if isinstance(body, str) else body
            headers = signed_headers(raw.decode("latin-1"), content_type=ctype)
            if isinstance(body, bytes):
                # signed_headers signs text; sign the exact bytes for non-UTF-8 bodies.
                headers = _sign_bytes(raw, ctype)
        else:
            path = rng.choice(paths)
            raw = rng.choice(RAW_BODIES) if rng.random() < 0.5 else rng.randbytes(rng.randint(0, 400))
            headers = {
                "Content-Type": rng.choice(["application/json", "application/x-www-form-urlencoded", ""])
            }
            if rng.random() < 0.3:
                headers["X-Slack-Request-Timestamp"] = rng.choice(["abc", "", "99999999999999999999", "²"])
                headers["X-Slack-Signature"] = "v0=" + "0" * 64
        try:
            response = stack.http.request(
                "POST" if rng.random() < 0.9 else "GET",
                stack.url + path,
                content=raw,
                headers=raw_headers(headers),
            )
        except httpx.HTTPError as error:
            # No answer at all counts as a server failure too.
            statuses[599] = statuses.get(599, 0) + 1
            where = f"{path} {type(error).__name__}"
            server_errors[where] = server_errors.get(where, 0) + 1
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            where = f"{response.request.method} {path} {response.status_code}"
            server_errors[where] = server_errors.get(where, 0) + 1
        if response.status_code >= 400:
            rejected += 1
        if "Something went wrong" in response.text:
            crashes += 1
    time.sleep(3)  # let enqueued jobs from signed-but-odd input run
    stack.wait(lambda: stack.failed_jobs() >= 0, 1)
    five_xx = sum(count for status, count in statuses.items() if status >= 500)
    failed = stack.failed_jobs()
    per_rejected = (stack.log_bytes() - logs_before) / max(1, rejected)
    met = five_xx == 0 and crashes == 0 and failed == 0 and per_rejected < 1024
    figure = f"{five_xx} 5xx; {crashes} crashes; {failed} failed jobs; {per_rejected:.0f} B log/rejected"
    return Result(
        f"{total:,} fuzzed requests",
        "0 5xx; 0 crashes; 0 failed jobs; < 1 KB log/rejected",
        figure,
        met,
        {"statuses": statuses, "server_errors": server_errors},
    )


def _sign_bytes(raw: bytes, ctype: str) -> dict[str, str]:
    import hashlib
    import hmac

    from tests.fakes.signing import SIGNING_SECRET

    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": ctype}


def forged(stack: Stack, total: int) -> Result:
    """Wrong secret, stale timestamp, missing or malformed headers, replays of a tampered body."""
    refused = 0
    rng = random.Random(11)
    for n in range(total):
        body = slash_command_body(f"help forged {n}", trigger_id=f"forged.{n}")
        kind = n % 5
        if kind == 0:
            headers = signed_headers(body, secret="not-the-secret")
        elif kind == 1:
            headers = signed_headers(body, timestamp=int(time.time()) - 3600)
        elif kind == 2:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        elif kind == 3:
            headers = signed_headers(body)
            body = body.replace("forged", "tampered")
        else:
            headers = signed_headers(body)
            headers["X-Slack-Request-Timestamp"] = rng.choice(["abc", "1e3", "²", ""])
        if stack.post_slack(body, headers).status_code == 401:
            refused += 1
    cases = stack.sql(
        "SELECT count(*) FROM cases WHERE description LIKE '%forged%' OR description LIKE '%tampered%'"
    )
    opened = int(cases[0][0])
    met = refused == total and opened == 0
    return Result(
        f"{total:,} forged/stale signatures",
        "100% refused",
        f"{refused}/{total} refused, {opened} cases",
        met,
    )


def redeliveries(stack: Stack, total: int) -> Result:
    """Each delivery sent four times (Slack retries up to 3): slash commands and thread events."""
    distinct = total // 4
    for n in range(distinct):
        channel = CHANNELS[n % len(CHANNELS)]
        body = slash_command_body(
            f"help redelivery {n}: nginx 502 on checkout", trigger_id=f"redeliver.{n}", channel_id=channel
        )
        for attempt in range(4):
            headers = signed_headers(body)
            if attempt:
                headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
            stack.post_slack(body, headers)
    waited = stack.wait(lambda: stack.diagnosed_cases("redelivery") >= distinct, timeout=120 + distinct * 1.5)
    cases = int(stack.sql("SELECT count(*) FROM cases WHERE description LIKE '%redelivery%'")[0][0])
    roots = stack.case_roots()
    duplicate_posts = sum(len(messages) - 1 for messages in roots.values() if len(messages) > 1)
    duplicates = (cases - distinct) + duplicate_posts
    met = duplicates == 0 and cases == distinct and waited is not None
    figure = (
        f"{duplicates} duplicates ({cases} cases for {distinct} reports; {duplicate_posts} duplicate posts)"
    )
    return Result(f"{total:,} redeliveries", "0 duplicate cases or posts", figure, met)
