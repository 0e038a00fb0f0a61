"""Secrets through every input, approval abuse, and audit tampering (each on the real processes)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.reliability.stack import CHANNELS, Result, Stack
from tests.fakes.signing import event_body, interactive_body, signed_headers

# Realistic shapes, made up for this suite: none of these was ever a live credential.
SECRETS: dict[str, str] = {
    "aws-access-key-id": "AKIAQX4TZ7RELIAB1E2K",
    "aws-secret-access-key": "aws_secret_access_key=Zk3q9vR2mW8xT1yL5nB7cD4fG6hJ0kP2sA9uE3iO",
    "slack-bot-token": "xoxb-2048311-6620487193-Qm8rT2vX9kLp4WzN7bYc3HdF",
    "slack-webhook": "https://hooks.slack.com/services/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",
    "github-token": "ghp_R3l1ab1l1tyT0k3nAbCdEfGhIjKlMnOpQrSt",
    "url-password": "postgres://orders:Hunter2-Rel1abil1ty@db.internal:5432/orders",
    "private-key": "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAx9Rel1abil1tyZ8kq3W7vN2pL5tY8uB1cD4fG6hJ0kP2sA9uE3\n"
    "iOq7Wm4Zr1Ts3Xy7Kp2Qw9Lm4Nb6Vc8\n-----END RSA PRIVATE KEY-----",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZWxpYWJpbGl0eSIsImFkbWluIjp0cnVlfQ."
    "Qm8rT2vX9kLp4WzN7bYc3HdFRel1abil1tyZ8kq3W7",
    "google-api-key": "AIzaSyRel1abil1tyQm8rT2vX9kLp4WzN7bYc3H",
    "stripe-key": "sk_live_51Rel1abil1tyQm8rT2vX9kLp4WzN7bYc",
    "password-assignment": "password=Sup3rS3cretRel1ab!",
    "bearer-header": "Authorization: Bearer 9f8e7d6c5b4a3f2e1d0cRel1abil1tyQm8rT2vX",
}


def _needles() -> dict[str, str]:
    """The part of each secret that must never appear anywhere."""
    cut = {
        "aws-secret-access-key": "Zk3q9vR2mW8xT1yL5nB7cD4fG6hJ0kP2sA9uE3iO",
        "slack-webhook": "Xy7Kp2Qw9Lm4Nb6Vc8Zr1Ts3",
        "url-password": "Hunter2-Rel1abil1ty",
        "private-key": "MIIEowIBAAKCAQEAx9Rel1abil1ty",
        "password-assignment": "Sup3rS3cretRel1ab",
        "bearer-header": "9f8e7d6c5b4a3f2e1d0cRel1abil1ty",
    }
    return {kind: cut.get(kind, value) for kind, value in SECRETS.items()}


def secrets_corpus(stack: Stack) -> Result:
    """Every kind through the slash command, a thread reply, an alert and an action parameter."""
    stack.ensure_worker()
    for n, (kind, secret) in enumerate(SECRETS.items()):
        stack.command(
            f"help checkout 500s, log shows {secret} in the config ({kind})",
            f"secret.{n}",
            channel=CHANNELS[n % len(CHANNELS)],
        )
    stack.wait(lambda: stack.diagnosed_cases("log shows") >= len(SECRETS), timeout=90)
    rows = stack.sql("SELECT channel_id, root_ts FROM cases WHERE root_ts IS NOT NULL ORDER BY id LIMIT 1")
    if rows:
        channel, root_ts = rows[0]
        for n, secret in enumerate(SECRETS.values()):
            event = {
                "type": "message",
                "channel": channel,
                "user": "W0REL",
                "ts": f"1800002000.{n:06d}",
                "thread_ts": root_ts,
                "text": f"found this in the pod env: {secret}",
            }
            body = event_body(event, f"EvSecret{n}")
            stack.post_slack(body, signed_headers(body, content_type="application/json"))
        mention = {
            "type": "app_mention",
            "channel": channel,
            "user": "W0REL",
            "ts": "1800002100.000001",
            "thread_ts": root_ts,
            "text": "<@U0FMBOT> run restart_api checkout password=Sup3rS3cretRel1ab! token="
            + SECRETS["github-token"],
        }
        body = event_body(mention, "EvSecretRun")
        stack.post_slack(body, signed_headers(body, content_type="application/json"))
    for n, secret in enumerate(SECRETS.values()):
        alert = {
            "version": "4",
            "groupKey": f"secret-{n}",
            "status": "firing",
            "receiver": "fm",
            "groupLabels": {"alertname": "Leak"},
            "commonLabels": {"alertname": "Leak"},
            "commonAnnotations": {"summary": f"bad config {secret}"},
            "externalURL": "",
            "alerts": [
                {
                    "status": "firing",
                    "labels": {"alertname": "Leak"},
                    "annotations": {"description": secret},
                    "fingerprint": f"s{n}",
                }
            ],
        }
        stack.alert(alert)
    time.sleep(8)
    export = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "verify"],
        env=stack.vars,
        capture_output=True,
        text=True,
        timeout=60,
    )
    places = {
        "slack": json.dumps([c.params for c in stack.slack.workspace.calls]),
        "logs": stack.logs() + export.stdout + export.stderr,
        "database": _database_text(stack.workdir / "fm.db"),
        "redis": stack.redis_dump(),
    }
    leaks: dict[str, list[str]] = {}
    for kind, needle in _needles().items():
        for place, text in places.items():
            if needle in text:
                leaks.setdefault(place, []).append(kind)
    met = not leaks
    figure = (
        "0 leaks" if met else "; ".join(f"{p}: {len(k)} kinds ({', '.join(k)})" for p, k in leaks.items())
    )
    return Result(
        f"secrets corpus ({len(SECRETS)} kinds × 4 inputs)",
        "0 in Slack, logs, DB, Redis, exports",
        figure,
        met,
        {"leaks": leaks},
    )


def _database_text(path: Path) -> str:
    """The SQLite file's bytes as text: whatever is stored raw shows up here, index pages included."""
    return path.read_bytes().decode("latin-1") if path.exists() else ""


def approval_abuse(stack: Stack, attempts: int) -> Result:
    """Self-approval, forged request ids, clicks from another card or channel: nothing may execute."""
    stack.ensure_worker()
    stack.command("help checkout pods OOMKilled after the deploy", "abuse.case")
    stack.wait(lambda: stack.diagnosed_cases("after the deploy") >= 1, timeout=60)
    channel, root_ts = stack.sql("SELECT channel_id, root_ts FROM cases ORDER BY id LIMIT 1")[0]
    mention = {
        "type": "app_mention",
        "channel": channel,
        "user": "W0REQ",
        "ts": "1800003000.000001",
        "thread_ts": root_ts,
        "text": "<@U0FMBOT> run restart_api checkout-7 because OOM",
    }
    body = event_body(mention, "EvAbuse")
    stack.post_slack(body, signed_headers(body, content_type="application/json"))
    stack.wait(lambda: bool(stack.sql("SELECT id FROM action_proposals")), timeout=30)
    proposal_ids = [row[0] for row in stack.sql("SELECT id FROM action_proposals")]
    card_ts = _card_ts(stack, channel, root_ts)
    values = [str(proposal_ids[0]) if proposal_ids else "1", "999999", "0", "-1", "99999999999999999999"]
    for n in range(attempts):
        user = "W0REQ" if n % 3 == 0 else f"W0OUT{n}"
        where = channel if n % 4 else CHANNELS[-1]
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T111"},
            "api_app_id": "A111",
            "trigger_id": f"abuse.{n}",
            "channel": {"id": where},
            "container": {
                "type": "message",
                "channel_id": where,
                "message_ts": card_ts if n % 5 else "1800009999.000001",
            },
            "actions": [
                {
                    "action_id": "fm_approval_approve",
                    "block_id": "b",
                    "value": values[n % len(values)],
                    "action_ts": f"1800003001.{n:06d}",
                }
            ],
        }
        if (
            n % 3 != 0
            and n % 4
            and n % 5
            and values[n % len(values)] == str(proposal_ids[0] if proposal_ids else "")
        ):
            # A legitimate approver's click on the real card: skip, only abuse is counted here.
            continue
        body = interactive_body(payload)
        stack.post_slack(body, signed_headers(body))
    time.sleep(6)
    executed = (
        int(stack.sql("SELECT count(*) FROM action_executions")[0][0])
        if _has(stack, "action_executions")
        else 0
    )
    return Result(
        "approval abuse",
        "0 unauthorised executions",
        f"{executed} executions after {attempts} abusive clicks",
        executed == 0,
    )


def _has(stack: Stack, table: str) -> bool:
    return bool(stack.sql(f"SELECT name FROM sqlite_master WHERE type='table' AND name='{table}'"))


def _card_ts(stack: Stack, channel: str, root_ts: str) -> str:
    for message in stack.slack.thread(channel, root_ts):
        if "fm_approval_approve" in json.dumps(message.get("blocks") or []):
            return str(message["ts"])
    return "1800000000.000001"


TAMPERING = {
    "full wipe": ["DELETE FROM audit_log", "DELETE FROM audit_head"],
    "newest 3 removed, head kept": [
        "DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 3)"
    ],
    "newest 3 removed with the head": [
        "DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 3)",
        "DELETE FROM audit_head",
    ],
    "one middle row deleted": [
        "DELETE FROM audit_log WHERE seq = (SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 3)"
    ],
    "a row edited": ["UPDATE audit_log SET actor = 'W0EVIL' WHERE seq = (SELECT max(seq) FROM audit_log)"],
    "log wiped, head kept": ["DELETE FROM audit_log"],
}


def audit_tampering(stack: Stack) -> Result:
    """Each kind of tampering on a copy of a populated database: `audit verify` must fail every time,
    and pass on an untouched copy (else a "detection" would mean nothing)."""
    database = stack.workdir / "fm.db"
    intact = _verify(stack, database, "intact", []) == 0
    detected = 0
    missed: list[str] = []
    for n, (name, statements) in enumerate(TAMPERING.items()):
        if _verify(stack, database, f"tampered-{n}", statements) != 0:
            detected += 1
        else:
            missed.append(name)
    total = len(TAMPERING)
    figure = f"{detected}/{total} detected" + (f" (missed: {', '.join(missed)})" if missed else "")
    figure += "; untouched copy verifies" if intact else "; UNTOUCHED COPY FLAGGED"
    return Result("audit tampering, incl. a full wipe", "100% detected", figure, detected == total and intact)


def _verify(stack: Stack, database: Path, name: str, statements: list[str]) -> int:
    """`faultmaven audit verify`'s exit code on a copy of the database after `statements`."""
    import sqlite3

    copy = stack.workdir / f"{name}.db"
    shutil.copy(database, copy)
    with sqlite3.connect(copy) as db:
        for statement in statements:
            db.execute(statement)
    env = {**stack.vars, "DATABASE_URL": f"sqlite:///{copy}"}
    verify = subprocess.run(
        # Every job of the scenarios before has finished: no row is still waiting for its entry.
        [sys.executable, "-m", "bot.cli", "audit", "verify", "--settle-seconds", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return verify.returncode
