"""Many workspaces over the real `faultmaven serve` and `faultmaven worker` processes: an OAuth install
through the browser's two requests, then a case diagnosed with that workspace's own token."""

from __future__ import annotations

import httpx
import pytest

from tests.bot.workspace_helpers import ALPHA, install
from tests.e2e.conftest import Stack, healthy
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi
from tests.polling import poll_until

pytestmark = pytest.mark.e2e


def test_an_installed_workspace_gets_its_case_diagnosed_with_its_own_token(
    stack: Stack, slack: FakeSlackApi
) -> None:
    stack.env.pop("SLACK_BOT_TOKEN")
    stack.env.update(SLACK_CLIENT_ID=slack.client_id, SLACK_CLIENT_SECRET=slack.client_secret)
    stack.start("serve", "--port", str(stack.port))
    stack.start("worker")
    poll_until(lambda: healthy(stack), timeout=30)

    with httpx.Client(base_url=stack.url, timeout=5) as browser:
        install(browser, slack, ALPHA)
    body = slash_command_body("help checkout pods OOMKilled since the deploy", team_id=ALPHA.team_id)
    ack = httpx.post(stack.url + "/slack/events", content=body, headers=signed_headers(body), timeout=5)

    assert ack.status_code == 200 and ack.json()["text"].startswith("Opening case FM-1…")
    root, progress = slack.wait_for_calls("chat.postMessage", 2, timeout=30)[:2]
    assert "FM-1 · checkout pods OOMKilled" in str(root.params["blocks"])
    assert root.token == progress.token == ALPHA.bot_token, stack.logs()
