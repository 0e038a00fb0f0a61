"""The real `faultmaven serve` and `faultmaven worker` processes, driven over HTTP as Slack would."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Stack, healthy
from tests.fakes.signing import event_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e


def test_slash_command_to_diagnosis_reply_and_retry_over_real_processes(
    stack: Stack, slack: FakeSlackApi
) -> None:
    stack.start("serve", "--port", str(stack.port))
    poll_until(lambda: healthy(stack), timeout=30)

    # The worker is not running yet: the case must wait for it, not vanish.
    body = slash_command_body("help checkout pods OOMKilled since the 14:00 deploy")
    ack = httpx.post(stack.url + "/slack/events", content=body, headers=signed_headers(body), timeout=5)
    assert ack.status_code == 200
    assert ack.json()["text"].startswith("Opening case FM-1…")

    stack.start("worker")
    root = slack.wait_for_calls("chat.postMessage", 1, timeout=30)[0].params
    assert "FM-1 · checkout pods OOMKilled" in str(root["blocks"])
    progress = slack.wait_for_calls("chat.postMessage", 2, timeout=30)[1].params
    root_ts = progress["thread_ts"]
    assert "Investigating" in str(progress["blocks"])
    assert slack.wait_for(lambda: "Diagnosis for FM-1" in str(slack.thread("C111", root_ts)), timeout=30), (
        stack.logs()
    )

    def reply(text: str, ts: str, event_id: str, retry: int | None = None) -> None:
        event = {
            "type": "message",
            "channel": "C111",
            "user": "W222",
            "text": text,
            "ts": ts,
            "thread_ts": root_ts,
        }
        payload = event_body(event, event_id)
        headers = signed_headers(payload, content_type="application/json")
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
        assert (
            httpx.post(stack.url + "/slack/events", content=payload, headers=headers, timeout=5).status_code
            == 200
        )

    def answers() -> list[dict[str, object]]:
        return [m for m in slack.thread("C111", root_ts) if "Updated diagnosis" in str(m["blocks"])]

    # Addressed to the bot, so each is answered whether or not it moves the diagnosis (quiet threads).
    first = "<@U0FMBOT> describe says Last State: Terminated, Reason: OOMKilled"
    reply(first, "1800000001.000100", "Ev1")
    assert slack.wait_for(lambda: len(answers()) == 1, timeout=30), stack.logs()

    reply(first, "1800000001.000100", "Ev1", retry=1)
    # A later, distinct reply is answered after anything the retry could have queued (one FIFO queue).
    reply("<@U0FMBOT> memory limit is 512Mi", "1800000002.000100", "Ev2")
    assert slack.wait_for(lambda: len(answers()) == 2, timeout=30), stack.logs()
    assert len(answers()) == 2
    # Diagnosis + two answers, nothing for the retry (a similar-runbook message may also be there: the
    # worker loads the runbook library in the background while it already takes jobs).
    thread = [m for m in slack.thread("C111", root_ts) if "Similar runbook" not in str(m["blocks"])]
    assert len(thread) == 3
