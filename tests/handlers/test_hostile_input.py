"""Hostile and malformed requests: authenticated first, refused with a reason, never a 5xx, never logged."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.services import Services
from tests.conftest import ALERTMANAGER_TOKEN
from tests.fakes.hostile_bodies import slack_bodies, webhook_bodies
from tests.fakes.pagerduty_api import pagerduty_signature
from tests.fakes.signing import signed_bytes_headers, slash_command_body

CRASH_TEXT = "Something went wrong"
FORM = "application/x-www-form-urlencoded"


def unsigned_headers(content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type}


def forged_headers(content_type: str) -> dict[str, str]:
    return signed_bytes_headers(b"something else", content_type)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def app_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the app logged (the test client's own request lines are not the app's)."""
    return [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]


def log_bytes(records: list[logging.LogRecord]) -> int:
    """Each record's message, logger name and structured extras: what a JSON log line would carry."""
    return sum(
        len(r.getMessage())
        + len(r.name)
        + sum(len(f"{k}={v}") for k, v in vars(r).items() if k not in _STANDARD)
        for r in records
    )


@pytest.fixture
def quiet_web(web: TestClient) -> Iterator[TestClient]:
    """The app, answering errors as responses (a 500 must show as a 500, not as a raised exception)."""
    with TestClient(web.app, raise_server_exceptions=False) as client:
        yield client


def test_fuzzed_bodies_to_every_endpoint_get_4xx_or_2xx_with_no_crash_and_little_log(
    quiet_web: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    requests: list[tuple[str, bytes, dict[str, str]]] = []
    for body, content_type in slack_bodies(240):
        requests.append(("/slack/events", body, signed_bytes_headers(body, content_type)))
        requests.append(("/slack/events", body, unsigned_headers(content_type)))
        requests.append(("/slack/events", body, forged_headers(content_type)))
    for body in webhook_bodies(60):
        signature = {"X-PagerDuty-Signature": pagerduty_signature(body), "Content-Type": "application/json"}
        requests.append(("/webhooks/pagerduty", body, signature))
        requests.append(("/webhooks/pagerduty", body, {"X-PagerDuty-Signature": "v1=00"}))
        bearer = {"Authorization": f"Bearer {ALERTMANAGER_TOKEN}", "Content-Type": "application/json"}
        requests.append(("/webhooks/alertmanager", body, bearer))
        requests.append(("/webhooks/alertmanager", body, {"Authorization": "Bearer wrong"}))

    statuses: dict[int, int] = {}
    refused = 0
    for path, body, headers in requests:
        response = quiet_web.post(path, content=body, headers=headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (path, body[:120], response.text[:300])
        assert CRASH_TEXT not in response.text, (path, body[:120])
        if response.status_code >= 400:
            refused += 1
            assert response.json()["reason"], (path, body[:120], response.text[:200])

    records = app_records(caplog)
    assert not [r for r in records if r.levelno >= logging.ERROR], [
        r.getMessage()[:200] for r in records if r.levelno >= logging.ERROR
    ]
    assert refused > len(requests) // 2 and statuses.get(401, 0) >= 2 * 250
    print("fuzz statuses", sorted(statuses.items()), "log bytes", log_bytes(records), "refused", refused)
    assert log_bytes(records) < 1024 * refused
    assert max(log_bytes([r]) for r in records) < 1024


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "+1700000000", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(int(time.time()) - 301), "X-Slack-Signature": "v0=00"},
    ],
    ids=["unsigned", "non-numeric-timestamp", "signed-number", "stale"],
)
def test_unsigned_or_badly_signed_requests_get_401_without_their_body_anywhere(
    quiet_web: TestClient, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.DEBUG)
    body = slash_command_body("secret-marker-91c2 the database is down")

    response = quiet_web.post("/slack/events", content=body, headers={"Content-Type": FORM, **headers})

    assert response.status_code == 401 and response.json()["error"] == "invalid_signature"
    assert "secret-marker-91c2" not in response.text
    assert "secret-marker-91c2" not in caplog.text


def test_a_stale_but_correct_signature_is_refused(quiet_web: TestClient) -> None:
    body = slash_command_body("help").encode()
    stale = signed_bytes_headers(body, FORM, timestamp=str(int(time.time()) - 6 * 60))

    assert quiet_web.post("/slack/events", content=body, headers=stale).status_code == 401


def test_a_20_mb_unsigned_body_is_refused_quickly_and_never_logged(
    quiet_web: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"payload=" + b"A" * (20 * 1024 * 1024)
    started = time.monotonic()

    response = quiet_web.post("/slack/events", content=body, headers={"Content-Type": FORM})

    assert response.status_code in (401, 413)
    assert time.monotonic() - started < 2.0
    assert "AAAAAAAA" not in caplog.text and len(caplog.text) < 1024


@pytest.mark.parametrize("path", ["/slack/events", "/webhooks/pagerduty", "/webhooks/alertmanager"])
def test_a_signed_body_over_the_limit_gets_413_with_a_reason(quiet_web: TestClient, path: str) -> None:
    body = b'{"type":"event_callback","pad":"' + b"x" * (1024 * 1024) + b'"}'
    headers = {
        **signed_bytes_headers(body, "application/json"),
        "X-PagerDuty-Signature": pagerduty_signature(body),
        "Authorization": f"Bearer {ALERTMANAGER_TOKEN}",
    }

    response = quiet_web.post(path, content=body, headers=headers)

    assert response.status_code == 413 and "exceeds" in response.json()["reason"]


def test_a_streamed_body_without_content_length_is_cut_off_at_the_limit(quiet_web: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * (256 * 1024)

    headers = signed_bytes_headers(b"unused", "application/json")
    response = quiet_web.post("/slack/events", content=chunks(), headers=headers)

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "JSON object"),
        (b"{", "not valid JSON"),
        (b"\xff", "not UTF-8"),
        (b"payload=%7B", "not valid JSON"),
        (b"foo=bar", "payload or a command"),
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (json.dumps({"type": "block_actions", "user": "W1"}).encode(), "user"),
    ],
)
def test_malformed_signed_bodies_get_400_with_a_reason(
    quiet_web: TestClient, body: bytes, reason: str
) -> None:
    content_type = "application/json" if body[:1] in (b"[", b"{") else FORM

    response = quiet_web.post("/slack/events", content=body, headers=signed_bytes_headers(body, content_type))

    assert response.status_code == 400 and reason in response.json()["reason"]


def test_a_slash_command_mentioning_payload_still_opens_a_case(
    quiet_web: TestClient, services: Services
) -> None:
    body = slash_command_body("help payload service returns 502").encode()

    response = quiet_web.post("/slack/events", content=body, headers=signed_bytes_headers(body, FORM))

    assert response.status_code == 200 and "Opening case FM-1" in response.json()["text"]
    case = services.cases.get(1)
    assert case is not None and case.description == "payload service returns 502"
