"""A PagerDuty incident and an Alertmanager group through real `serve` and `worker` processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.redis_server import RedisServer, free_port
from tests.conftest import ALERTMANAGER_TOKEN, BOT_TOKEN
from tests.e2e.conftest import Stack, healthy
from tests.fakes.incident_webhooks import load, post_alertmanager, post_pagerduty
from tests.fakes.pagerduty_api import PD_API_TOKEN, PD_WEBHOOK_SECRETS, FakePagerDutyApi
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e
CHANNEL = "C0INCIDENTS"


@pytest.fixture
def incident_stack(
    tmp_path: Path,
    redis_url: str,
    slack: FakeSlackApi,
    pagerduty: FakePagerDutyApi,
    redis_server: RedisServer,
) -> Iterator[Stack]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fm.db'}",
        "FAULTMAVEN_DATA_DIR": str(tmp_path),
        "PAGERDUTY_WEBHOOK_SECRET": ",".join(PD_WEBHOOK_SECRETS),
        "ALERTMANAGER_TOKEN": ALERTMANAGER_TOKEN,
        "FAULTMAVEN_INCIDENT_CHANNEL": CHANNEL,
        "PAGERDUTY_API_TOKEN": PD_API_TOKEN,
        "PAGERDUTY_API_URL": pagerduty.base_url,
        "FAULTMAVEN_INCIDENT_DEBOUNCE_SECONDS": "0.5",
        "FAULTMAVEN_CHANNEL_MESSAGE_INTERVAL": "0.05",
        # Keyword-only search: this test is about incident life cycles; the worker starts faster.
        "FAULTMAVEN_EMBEDDING": "none",
    }
    env.pop("SLACK_APP_TOKEN", None)
    running = Stack(env, tmp_path, free_port())
    running.start("serve", "--port", str(running.port))
    poll_until(lambda: healthy(running), timeout=60)
    running.start("worker")  # after serve migrated the fresh database: both migrating at once races
    yield running
    running.stop()


def roots(slack: FakeSlackApi) -> list[dict[str, object]]:
    # A root message that has replies carries thread_ts == its own ts, as in Slack.
    return [
        m
        for m in list(slack.messages.values())
        if m["channel"] == CHANNEL and m.get("thread_ts") in (None, m["ts"])
    ]


def root_showing(slack: FakeSlackApi, title: str, *words: str) -> dict[str, object] | None:
    for message in roots(slack):
        blocks = str(message["blocks"])
        if title in blocks and all(word in blocks for word in words):
            return message
    return None


def test_incident_and_alert_group_follow_their_life_to_resolution(
    incident_stack: Stack, slack: FakeSlackApi
) -> None:
    with httpx.Client(base_url=incident_stack.url, timeout=5) as client:
        triggered = load("pagerduty_v3_incident_triggered.json")
        assert post_pagerduty(client, triggered).status_code == 202
        assert post_pagerduty(client, triggered).status_code == 200
        title = "KubePodCrashLooping shop"
        # The first job waits for the worker to start (it loads the runbook library and engines).
        assert slack.wait_for(lambda: root_showing(slack, title, "PagerDuty", "Triggered") is not None, 90), (
            incident_stack.logs()
        )
        pd_root = root_showing(slack, title, "PagerDuty", "Triggered")
        assert pd_root is not None
        pd_ts = str(pd_root["ts"])
        assert slack.wait_for(
            lambda: "Diagnosis for FM-1" in str(slack.thread(CHANNEL, pd_ts)), timeout=30
        ), incident_stack.logs()

        # Out of order: resolved arrives before acknowledged.
        assert post_pagerduty(client, load("pagerduty_v3_incident_resolved.json")).status_code == 202
        assert post_pagerduty(client, load("pagerduty_v3_incident_acknowledged.json")).status_code == 202
        assert post_alertmanager(client, load("alertmanager_v4_firing.json")).status_code == 202

        def pd_lines() -> list[str]:
            return [str(m["text"]) for m in slack.thread(CHANNEL, pd_ts) if not m["blocks"]]

        assert slack.wait_for(lambda: len("\n".join(pd_lines()).splitlines()) == 2, timeout=30), (
            incident_stack.logs()
        )
        assert "Incident*\\nResolved" in str(slack.messages[pd_ts]["blocks"])
        assert slack.wait_for(
            lambda: root_showing(slack, "KubePodCrashLooping shop:", "Alertmanager") is not None, 30
        ), incident_stack.logs()
        am_root = root_showing(slack, "KubePodCrashLooping shop:", "Alertmanager")
        assert am_root is not None

        assert post_alertmanager(client, load("alertmanager_v4_resolved.json")).status_code == 202
        poll_until(
            lambda: root_showing(slack, "KubePodCrashLooping shop:", "Alertmanager", "✅ Resolved"),
            timeout=30,
        )

    assert len(roots(slack)) == 2, "no duplicate cases"
    am_thread = str(am_root["ts"])
    assert slack.wait_for(
        lambda: any("Resolved (Alertmanager)" in str(m["text"]) for m in slack.thread(CHANNEL, am_thread)), 30
    )
