"""/faultmaven search and the Share in channel button, through the real signed app and worker."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.signing import interactive_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi


def post_command(web: TestClient, text: str, trigger_id: str = "111.222.rb"):
    body = slash_command_body(text, trigger_id=trigger_id)
    return web.post("/slack/events", content=body, headers=signed_headers(body))


def click(web: TestClient, action_id: str, value: str, channel: str = "C111"):
    payload = {
        "type": "block_actions",
        "user": {"id": "W222"},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": "333.444.click",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "action_ts": "1700000001.1"}],
    }
    body = interactive_body(payload)
    return web.post("/slack/events", content=body, headers=signed_headers(body))


def test_search_command_acks_then_answers_ephemerally_with_share_buttons(
    web: TestClient,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library

    response = post_command(web, "search postgres says too many clients already")
    run_jobs()

    assert response.json()["response_type"] == "ephemeral"
    assert "Searching runbooks" in response.json()["text"]
    answer = slack.wait_for_calls("chat.postEphemeral")[0].params
    assert answer["user"] == "W111"
    blocks = json.dumps(answer["blocks"])
    assert "PostgreSQL" in blocks or "Postgres" in blocks
    assert "fm_runbook_share" in blocks


def test_share_button_acks_and_worker_posts_the_runbook_in_channel(
    web: TestClient,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    runbook = runbook_library.search("TLS certificate expired", k=1)[0].runbook

    response = click(web, "fm_runbook_share", str(runbook.id))
    click(web, "fm_runbook_share", str(runbook.id))  # Slack's retry of the same click
    run_jobs()

    assert response.status_code == 200
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["channel"] == "C111"
    assert runbook.title[:30] in json.dumps(posts[0].params["blocks"])
    assert "<@W222>" in json.dumps(posts[0].params["blocks"])


def test_view_button_opens_the_full_runbook_modal(
    web: TestClient, slack: FakeSlackApi, runbook_library: RunbookLibrary
) -> None:
    runbook = runbook_library.search("disk full no space left on device", k=1)[0].runbook

    click(web, "fm_runbook_view", str(runbook.id))

    view = slack.wait_for_calls("views.open")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "fm_runbook_view_modal"
    assert "Root cause" in json.dumps(view["blocks"])


def test_runbook_show_opens_modal_and_unknown_ref_is_explained(
    web: TestClient, slack: FakeSlackApi, runbook_library: RunbookLibrary
) -> None:
    missing = post_command(web, "runbook show RB-9999", trigger_id="1.1.a")
    post_command(web, "runbook show RB-0001", trigger_id="1.1.b")

    assert "No runbook RB-9999" in missing.json()["text"]
    assert slack.wait_for_calls("views.open")[0].params["trigger_id"] == "1.1.b"
