"""Real processes surviving faults: a worker SIGKILLed mid-job, and Redis going away for a while."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.redis_server import RedisServer, free_port, start_redis
from tests.conftest import BOT_TOKEN
from tests.e2e.conftest import Stack, healthy
from tests.fakes.signing import SIGNING_SECRET, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e
CHANNEL = "C111"


def recovery_env(tmp_path: Path, slack: FakeSlackApi, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fm.db'}",
        "FAULTMAVEN_DATA_DIR": str(tmp_path),
        # A dead worker's job is re-run ~2 s after its last heartbeat.
        "FAULTMAVEN_JOB_LEASE_SECONDS": "2",
        "FAULTMAVEN_CHANNEL_MESSAGE_INTERVAL": "0.05",
        "FAULTMAVEN_EMBEDDING": "none",  # keyword-only search: the worker starts faster
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


def started(env: dict[str, str], tmp_path: Path) -> Stack:
    stack = Stack(env, tmp_path, free_port())
    stack.start("serve", "--port", str(stack.port))
    poll_until(lambda: healthy(stack), timeout=60)
    stack.start("worker")  # after serve migrated the fresh database
    return stack


def report(stack: Stack, text: str, trigger: str) -> httpx.Response:
    body = slash_command_body(text, trigger_id=trigger)
    return httpx.post(stack.url + "/slack/events", content=body, headers=signed_headers(body), timeout=5)


def case_messages(slack: FakeSlackApi, ref: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(root messages, Investigating/diagnosis thread messages) of one case in the channel."""
    roots = [
        m
        for m in list(slack.messages.values())
        if m["channel"] == CHANNEL and m["thread_ts"] is None and f"{ref} ·" in str(m["blocks"])
    ]
    replies = [
        m
        for root in roots
        for m in slack.thread(CHANNEL, str(root["ts"]))
        if "Investigating" in str(m["blocks"]) or f"Diagnosis for {ref}" in str(m["blocks"])
    ]
    return roots, replies


def diagnosed(slack: FakeSlackApi, ref: str) -> bool:
    _roots, replies = case_messages(slack, ref)
    return any(f"Diagnosis for {ref}" in str(m["blocks"]) for m in replies)


@pytest.fixture
def stack(tmp_path: Path, redis_url: str, slack: FakeSlackApi) -> Iterator[Stack]:
    running = started(recovery_env(tmp_path, slack, redis_url), tmp_path)
    yield running
    running.stop()


def test_a_worker_killed_mid_post_is_replaced_and_the_case_diagnosed_once(
    stack: Stack, slack: FakeSlackApi
) -> None:
    slack.slow_down("chat.postMessage", 2.0)
    assert report(stack, "help checkout pods OOMKilled after the deploy", "1.1.kill").status_code == 200
    # The root; the progress post follows.
    assert slack.wait_for(lambda: len(slack.calls_to("chat.postMessage")) == 1, timeout=30), stack.logs()
    threading.Event().wait(0.3)  # land inside the progress post: sent, answered only after the kill
    doomed = stack.procs[-1]
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    killed_at = time.monotonic()
    slack.slow_down("chat.postMessage", 0)
    assert slack.wait_for(lambda: len(slack.calls_to("chat.postMessage")) == 2, timeout=5)

    stack.start("worker")

    assert slack.wait_for(lambda: diagnosed(slack, "FM-1"), timeout=30), stack.logs()
    recovered_in = time.monotonic() - killed_at
    roots, replies = case_messages(slack, "FM-1")
    assert len(roots) == 1, roots
    assert len(replies) == 1, replies  # the dead run's "Investigating…", now the diagnosis
    assert recovered_in < 20, f"recovered after {recovered_in:.1f}s"
    assert len(slack.calls_to("chat.postMessage")) == 2  # the re-run posted nothing new


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[list[RedisServer]]:
    """A redis-server this test may stop and restart on the same port (the latest is last)."""
    servers = [start_redis(tmp_path / "redis")]
    yield servers
    servers[-1].stop()


def test_a_worker_outlives_a_redis_outage_and_diagnoses_what_arrived_meanwhile(
    tmp_path: Path, slack: FakeSlackApi, own_redis: list[RedisServer]
) -> None:
    stack = started(recovery_env(tmp_path, slack, own_redis[0].url), tmp_path)
    try:
        assert report(stack, "help disk full on db-1", "1.1.before").status_code == 200
        assert slack.wait_for(lambda: diagnosed(slack, "FM-1"), timeout=30), stack.logs()
        worker = stack.procs[-1]

        own_redis[0].stop()
        for n in range(3):
            ack = report(stack, f"help payments API 502s, report {n}", f"1.1.outage{n}")
            assert ack.status_code == 200 and "FM-" in ack.text, ack.text
        threading.Event().wait(3)  # Redis stays away a while; the worker must not give up
        assert worker.poll() is None, stack.logs()

        own_redis.append(start_redis(tmp_path / "redis", port=own_redis[0].port))
        back_at = time.monotonic()

        refs = ["FM-2", "FM-3", "FM-4"]
        assert slack.wait_for(lambda: all(diagnosed(slack, r) for r in refs), timeout=30), stack.logs()
        assert time.monotonic() - back_at < 30
        assert worker.poll() is None  # the same worker process, never restarted
        assert all(len(case_messages(slack, r)[1]) == 1 for r in refs)
    finally:
        stack.stop()
