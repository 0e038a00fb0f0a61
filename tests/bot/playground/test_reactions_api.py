"""reactions.add through the real WebClient answers like Slack: once per name, only on real messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playground.server import LocalSlackApi
from bot.playground.workspace import BOT_USER_ID, CHANNEL_ID


@pytest.fixture
def api() -> Iterator[LocalSlackApi]:
    server = LocalSlackApi().start()
    yield server
    server.stop()


def test_reaction_is_stored_once_and_a_second_add_is_already_reacted(api: LocalSlackApi) -> None:
    client = WebClient(token="xoxb-test", base_url=api.base_url)
    message = api.workspace.add_message(CHANNEL_ID, "U0ALICE", "restarted it, no change")

    client.reactions_add(channel=CHANNEL_ID, timestamp=message["ts"], name="eyes")
    with pytest.raises(SlackApiError) as again:
        client.reactions_add(channel=CHANNEL_ID, timestamp=message["ts"], name="eyes")

    assert again.value.response["error"] == "already_reacted"
    assert api.messages[message["ts"]]["reactions"] == [{"name": "eyes", "users": [BOT_USER_ID], "count": 1}]


@pytest.mark.parametrize(
    ("channel", "timestamp", "name", "error"),
    [
        (CHANNEL_ID, "1.000001", "eyes", "message_not_found"),
        ("C0OTHER", None, "eyes", "message_not_found"),
        (CHANNEL_ID, None, "Not An Emoji!", "invalid_name"),
    ],
)
def test_reaction_on_a_missing_message_or_with_a_bad_name_fails(
    api: LocalSlackApi, channel: str, timestamp: str | None, name: str, error: str
) -> None:
    client = WebClient(token="xoxb-test", base_url=api.base_url)
    message = api.workspace.add_message(CHANNEL_ID, "U0ALICE", "hello")

    with pytest.raises(SlackApiError) as failure:
        client.reactions_add(channel=channel, timestamp=timestamp or message["ts"], name=name)

    assert failure.value.response["error"] == error
