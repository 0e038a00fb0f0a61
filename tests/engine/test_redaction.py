"""Secrets never leave: not in the LLM request, not in log lines."""

from __future__ import annotations

import json
import logging

import pytest

from engine.redaction import RedactingFilter, redact
from tests.engine.llm.test_claude_engine import case, engine_for
from tests.fakes.anthropic_api import FakeMessagesApi

# Built from pieces so secret scanners do not flag this file; the values are fake but real-shaped.
SECRETS = {
    "aws access key": "AKIA" + "QX7Z3N5K2LMP4R8T",
    "aws secret key": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY12",
    "slack bot token": "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack user token": "xoxp-" + "1234567890-0987654321-1122334455-abcdef0123456789",
    "slack webhook": "hooks.slack.com/services/" + "T0AAAAAAA/B0BBBBBBB/CcCcCcCcCcCcCcCcCcCcCcCc",
    "github token": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "github pat": "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123",
    "stripe key": "sk_" + "live_" + "51HxYzAbCdEfGhIjKlMnOpQr",
    "anthropic key": "sk-ant-" + "api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "jwt": "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJlLXZhbHVlLTEyMw",
    "bearer": "Zm9vYmFyYmF6cXV4" + "MTIzNDU2Nzg5MA",
    "url password": "S3cr3t-Pa55",
    "kv password": "hunter2hunter2",
    "json secret": "q8w7e6r5t4y3",
    "private key body": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
}

CORPUS = f"""
export AWS_ACCESS_KEY_ID={SECRETS["aws access key"]}
export AWS_SECRET_ACCESS_KEY={SECRETS["aws secret key"]}
SLACK_BOT_TOKEN={SECRETS["slack bot token"]}
curl -H 'Authorization: Bearer {SECRETS["bearer"]}' https://api.internal/v1/orders
posting to https://{SECRETS["slack webhook"]} failed
user token {SECRETS["slack user token"]} rejected
git clone https://x:{SECRETS["github token"]}@github.com/acme/shop.git
GH_TOKEN={SECRETS["github pat"]}
stripe.api_key = "{SECRETS["stripe key"]}"
ANTHROPIC_API_KEY={SECRETS["anthropic key"]}
cookie session={SECRETS["jwt"]}
DATABASE_URL=postgres://app:{SECRETS["url password"]}@db-primary:5432/shop
db_password={SECRETS["kv password"]} host=db-primary
{{"client_secret": "{SECRETS["json secret"]}", "user": "svc"}}
-----BEGIN RSA PRIVATE KEY-----
{SECRETS["private key body"]}
-----END RSA PRIVATE KEY-----
"""


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_kind_of_secret_is_redacted(name: str) -> None:
    assert SECRETS[name] not in redact(CORPUS)


def test_redaction_keeps_the_context_an_engineer_needs() -> None:
    text = redact("DATABASE_URL=postgres://app:pw-123456@db-primary:5432/shop timeout after 30s")

    assert "postgres://app:[REDACTED:password]@db-primary:5432/shop" in text
    assert "timeout after 30s" in text


def test_ordinary_log_lines_are_left_alone() -> None:
    line = "FATAL: sorry, too many clients already (max_connections=100) at 14:02 exit code 137"

    assert redact(line) == line


def test_no_secret_reaches_the_llm_request() -> None:
    api = FakeMessagesApi()

    engine_for(api).diagnose(case("payments failing after config push", CORPUS))

    sent = json.dumps(api.requests)
    leaked = [name for name, value in SECRETS.items() if value in sent]
    assert leaked == []
    assert "[REDACTED:" in sent


def test_no_secret_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("faultmaven.test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("user pasted %s", CORPUS, extra={"detail": SECRETS["slack bot token"]})

    rendered = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    leaked = [name for name, value in SECRETS.items() if value in rendered]
    assert leaked == []
