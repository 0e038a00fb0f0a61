"""The stand-in's three-step upload answers the real `files_upload_v2` the way Slack does."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playground.server import LocalSlackApi
from bot.playground.web_api import call
from bot.playground.workspace import CHANNEL_ID, Workspace

TOKEN = "xoxb-playground-test"


@pytest.fixture
def api() -> Any:
    server = LocalSlackApi(Workspace(bot_token=TOKEN)).start()
    yield server
    server.stop()


def test_files_upload_v2_posts_one_file_message_in_the_thread_with_the_bytes(api: LocalSlackApi) -> None:
    client = WebClient(token=TOKEN, base_url=api.base_url)
    root = client.chat_postMessage(channel=CHANNEL_ID, text="root")

    client.files_upload_v2(
        file_uploads=[
            {"content": '{"seq":1}\n', "filename": "a.jsonl", "title": "A"},
            {"content": "# Timeline ✓\n", "filename": "a.md"},
        ],
        channel=CHANNEL_ID,
        thread_ts=root["ts"],
        initial_comment="here you go",
    )

    [message] = api.thread(CHANNEL_ID, str(root["ts"]))
    assert message["text"] == "here you go"
    assert [(f["name"], f["title"]) for f in message["files"]] == [("a.jsonl", "A"), ("a.md", "a.md")]
    assert [api.file_text(f["id"]) for f in message["files"]] == ['{"seq":1}\n', "# Timeline ✓\n"]


def test_completing_an_upload_that_never_arrived_is_refused(api: LocalSlackApi) -> None:
    client = WebClient(token=TOKEN, base_url=api.base_url)
    reserved = client.files_getUploadURLExternal(filename="x.md", length=5)

    with pytest.raises(SlackApiError) as failure:
        client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}], channel_id=CHANNEL_ID)

    assert failure.value.response["error"] == "file_not_uploaded"
    assert call(api.workspace, "files.getUploadURLExternal", {"filename": "x"}, TOKEN).body["error"] == (
        "invalid_arguments"
    )


def test_an_upload_url_with_the_wrong_key_is_not_found(api: LocalSlackApi) -> None:
    reserved = call(api.workspace, "files.getUploadURLExternal", {"filename": "x", "length": "1"}, TOKEN)
    forged = str(reserved.body["upload_url"]).rsplit("/", 1)[0] + "/guess"

    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(urllib.request.Request(forged, data=b"x", method="POST"))

    assert failure.value.code == 404
