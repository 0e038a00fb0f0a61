"""chat.getPermalink through the real WebClient: a link for a message that exists, Slack's error otherwise."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_api import FakeSlackApi


def test_permalink_for_a_posted_message_and_errors_like_slack(slack: FakeSlackApi) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    ts = str(client.chat_postMessage(channel="C111", text="root")["ts"])

    link = client.chat_getPermalink(channel="C111", message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/C111/p{ts.replace('.', '')}")
    with pytest.raises(SlackApiError) as wrong_channel:
        client.chat_getPermalink(channel="C999", message_ts=ts)
    assert wrong_channel.value.response["error"] == "message_not_found"
