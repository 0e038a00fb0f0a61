from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from engine.actions.executors import (
    USER_AGENT,
    ExecutionRequest,
    ExecutorUnavailable,
    WebhookExecutor,
    follow_up_request,
    sign_webhook,
)
from engine.errors import ConfigurationError
from tests.fakes.automation_receiver import RECEIVER_SECRET, AutomationReceiver


@pytest.fixture
def receiver() -> Iterator[AutomationReceiver]:
    server = AutomationReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def request(**changes: object) -> ExecutionRequest:
    fields: dict[str, object] = {
        "proposal_id": 7,
        "idempotency_key": "proposal-7-execute",
        "case_ref": "FM-12",
        "action": "restart",
        "target": "payments-prod",
        "parameters": {"deployment": "payments"},
        "command": "kubectl rollout restart deployment/payments",
        "requested_by": "U0REQ",
        "approved_by": ["U0AAA", "U0BBB"],
        "dry_run": False,
    }
    return ExecutionRequest.model_validate(fields | changes)


def test_signature_is_hmac_sha256_of_version_timestamp_and_body() -> None:
    expected = hmac.new(b"s3cret", b"v1:1700000000:{}", hashlib.sha256).hexdigest()

    assert sign_webhook("s3cret", "1700000000", b"{}") == "v1=" + expected


def test_approved_action_is_posted_signed_with_idempotency_key_and_answer_recorded(receiver, client) -> None:
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)

    result = executor.execute(request())

    assert result.ok and not result.dry_run and result.status_code == 200
    assert result.details == {
        "status": "queued",
        "message": "restart queued for payments-prod",
        "run_id": "run-1",
        "url": "https://automation.example/runs/run-1",
        "http_status": "200",
    }
    assert result.summary == (
        f"{receiver.host} accepted restart for payments-prod (status queued, run run-1): "
        "restart queued for payments-prod — https://automation.example/runs/run-1"
    )
    [delivery] = receiver.deliveries
    assert delivery.status == 200
    assert delivery.headers["idempotency-key"] == "proposal-7-execute"
    assert delivery.headers["user-agent"] == USER_AGENT
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.body["approved_by"] == ["U0AAA", "U0BBB"]
    assert delivery.body["parameters"] == {"deployment": "payments"}
    assert delivery.body["purpose"] == "execute"


def test_a_retried_delivery_with_the_same_key_does_not_start_a_second_run(receiver, client) -> None:
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)

    first = executor.execute(request())
    second = executor.execute(request())

    assert first.details["run_id"] == second.details["run_id"] == "run-1"
    assert len(receiver.runs) == 1
    assert len(receiver.deliveries) == 2


def test_rollback_is_a_separate_delivery_with_its_own_key(receiver, client) -> None:
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)
    executed = request()

    executor.execute(executed)
    rolled_back = executor.execute(follow_up_request(executed, "rollback", approved_by=["U0CCC"]))

    assert rolled_back.ok and rolled_back.details["run_id"] == "run-2"
    assert receiver.deliveries[1].headers["idempotency-key"] == "proposal-7-execute:rollback"
    assert receiver.deliveries[1].body["purpose"] == "rollback"
    assert receiver.deliveries[1].body["approved_by"] == ["U0CCC"]
    assert rolled_back.summary.startswith(f"{receiver.host} accepted restart (rollback) for payments-prod")


def test_a_wrong_secret_is_refused_by_the_receiver(receiver, client) -> None:
    executor = WebhookExecutor(receiver.url, "not-the-secret", client=client)

    result = executor.execute(request())

    assert not result.ok
    assert result.status_code == 401
    assert result.summary == f"{receiver.host} refused restart for payments-prod: 401 bad signature"
    assert receiver.runs == {}


def test_a_4xx_answer_is_a_failed_result_with_the_endpoint_reason(receiver, client) -> None:
    receiver.answer_next(400, {"message": "unknown job 'restart'"})
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)

    result = executor.execute(request())

    assert not result.ok and result.status_code == 400
    assert result.summary == f"{receiver.host} refused restart for payments-prod: 400 unknown job 'restart'"
    assert result.details == {"message": "unknown job 'restart'", "http_status": "400"}
    assert json.loads(result.output) == {"message": "unknown job 'restart'"}


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_5xx_or_rate_limit_answer_raises_executor_unavailable_so_the_job_retries(
    receiver, client, status
) -> None:
    receiver.answer_next(status, {"error": "busy"})
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)

    with pytest.raises(ExecutorUnavailable, match=f"answered {status}"):
        executor.execute(request())


def test_an_unreachable_endpoint_raises_executor_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executor = WebhookExecutor(f"http://127.0.0.1:{port}/hook", RECEIVER_SECRET)

    with pytest.raises(ExecutorUnavailable, match=f"cannot reach 127.0.0.1:{port}"):
        executor.execute(request())


def test_an_endpoint_that_does_not_answer_in_time_raises_executor_unavailable(receiver, client) -> None:
    receiver.hold.clear()
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client, timeout=0.2)

    with pytest.raises(ExecutorUnavailable, match=r"did not answer within 0\.2 s"):
        executor.execute(request())


def test_executor_without_a_client_opens_its_own(receiver) -> None:
    result = WebhookExecutor(receiver.url, RECEIVER_SECRET).execute(request())

    assert result.ok and result.details["run_id"] == "run-1"


def test_dry_run_sends_nothing_and_says_what_it_would_post(receiver, client) -> None:
    executor = WebhookExecutor(receiver.url, RECEIVER_SECRET, client=client)

    result = executor.execute(request(dry_run=True))

    assert result.ok and result.dry_run
    assert result.summary == f"Dry run: would POST restart for payments-prod to {receiver.host}"
    assert receiver.deliveries == []


def test_summary_never_shows_credentials_or_path_of_the_endpoint() -> None:
    executor = WebhookExecutor("https://user:token@automation.example:8443/hooks/abc?key=x", "s")

    assert executor.execute(request(dry_run=True)).summary.endswith("to automation.example:8443")


@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("ftp://automation.example/x", "s", "URL"),
        ("not a url", "s", "URL"),
        ("https://a.example/", "", "secret"),
    ],
)
def test_misconfigured_webhook_is_a_configuration_error(url, secret, problem) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        WebhookExecutor(url, secret)
