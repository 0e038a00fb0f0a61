"""Two real worker processes: a slow `low` job never delays a new case's diagnosis on `high`."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.redis_server import free_port
from tests.e2e.conftest import Stack, healthy
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e

# slack_sdk honours Retry-After: three 429s of 3 s keep the audit upload (a `low` job) busy ~9 s.
STALL_SECONDS = 3
STALLS = 3


def slash(stack: Stack, text: str, trigger_id: str) -> None:
    body = slash_command_body(text, trigger_id=trigger_id)
    response = httpx.post(stack.url + "/slack/events", content=body, headers=signed_headers(body), timeout=5)
    assert response.status_code == 200


def diagnosed(slack: FakeSlackApi, ref: str) -> bool:
    return any(f"Diagnosis for {ref}*" in str(m.get("blocks")) for m in slack.messages.values())


def test_a_slow_low_job_does_not_delay_a_new_diagnosis(stack: Stack, slack: FakeSlackApi) -> None:
    stack.start("serve", "--port", str(stack.port))
    poll_until(lambda: healthy(stack), timeout=60)
    metrics_port = free_port()
    stack.start("worker", "--queues", "high", "--metrics-port", str(metrics_port))
    stack.start("worker", "--queues", "default,low")
    # A first case warms the `high` worker up (models loaded), so the timing below is the queue's.
    slash(stack, "help checkout pods OOMKilled since the 14:00 deploy", "pool.1")
    assert slack.wait_for(lambda: diagnosed(slack, "FM-1"), timeout=60), stack.logs()

    slack.fail_next("files.getUploadURLExternal", 429, retry_after=STALL_SECONDS, count=STALLS)
    slash(stack, "audit FM-1", "pool.2")
    # The `default,low` worker is now inside the upload, waiting out the first Retry-After.
    stalled = "files.getUploadURLExternal:failed"
    assert slack.wait_for(lambda: bool(slack.calls_to(stalled)), timeout=30), stack.logs()

    started = time.monotonic()
    slash(stack, "help postgres: FATAL sorry, too many clients already on orders-db", "pool.3")
    assert slack.wait_for(lambda: diagnosed(slack, "FM-2"), timeout=STALL_SECONDS * STALLS), stack.logs()
    took = time.monotonic() - started

    # The slow job was still running when the diagnosis landed, and it finishes afterwards.
    assert not slack.calls_to("files.completeUploadExternal")
    assert len(slack.calls_to(stalled)) < STALLS
    assert took < STALL_SECONDS * STALLS / 2, took
    assert slack.wait_for(lambda: bool(slack.calls_to("files.completeUploadExternal")), timeout=60), (
        stack.logs()
    )
    # Each process exports its own figures: the `high` worker ran both diagnoses and no low job.
    worker_metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    assert 'faultmaven_jobs_finished_total{job="diagnose_case",outcome="succeeded",queue="high"} 2.0' in (
        worker_metrics
    )
    assert "upload_audit_trail" not in worker_metrics
    web_metrics = httpx.get(stack.url + "/metrics", timeout=5).text
    assert 'faultmaven_requests_total{outcome="ok",surface="slash_command"} 3.0' in web_metrics
