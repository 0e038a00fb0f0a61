"""`/faultmaven runbook share RB-n #name`: typed channels resolve in the worker, else the sender is told."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from starlette.testclient import TestClient

from bot.playground.channels import PretendChannel
from engine.runbooks.models import Runbook
from jobs.channels import ChannelDirectory, parse_channel_ref
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi

TYPED_IN = "C0INCIDENTS"


@pytest.fixture
def runbook(job_context: JobContext, runbook_library: RunbookLibrary) -> Runbook:
    job_context.runbooks = runbook_library
    return runbook_library.search("TLS certificate expired", k=1)[0].runbook


def share(web: TestClient, text: str) -> dict[str, str]:
    body = slash_command_body(f"runbook share {text}", channel_id=TYPED_IN, trigger_id="111.222.share")
    response = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert response.status_code == 200
    return dict(response.json())


@pytest.mark.parametrize(
    ("typed", "channel"),
    [("#db-oncall", "C0DBONCALL"), ("db-oncall", "C0DBONCALL"), ("<#C0PLATFORM|platform>", "C0PLATFORM")],
)
def test_share_lands_in_the_named_channel(
    web: TestClient,
    slack: FakeSlackApi,
    runbook: Runbook,
    run_jobs: Callable[[], None],
    typed: str,
    channel: str,
) -> None:
    ack = share(web, f"{runbook.ref} {typed}")
    run_jobs()

    assert ack["response_type"] == "ephemeral" and f"Sharing {runbook.ref} in" in ack["text"]
    posts = slack.calls_to("chat.postMessage")
    assert [p.params["channel"] for p in posts] == [channel]
    assert runbook.title[:30] in json.dumps(posts[0].params["blocks"])
    assert slack.calls_to("chat.postEphemeral") == []


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("#no-such-channel", "I see no channel by that name"),
        ("#secops", "I see no channel by that name"),  # private, and FaultMaven is not in it
        ("<#G0SECOPS|secops>", "I can't see that channel"),
        ("#outage-2023-11", "I see no channel by that name"),  # archived: not listed
        ("<#C0OLDOUTAGE|outage-2023-11>", "that channel is archived"),
    ],
)
def test_unknown_or_inaccessible_channel_is_refused_to_the_sender_where_they_typed(
    web: TestClient,
    slack: FakeSlackApi,
    runbook: Runbook,
    run_jobs: Callable[[], None],
    typed: str,
    says: str,
) -> None:
    share(web, f"{runbook.ref} {typed}")
    run_jobs()

    assert slack.messages == {}, "never a post somewhere else"
    assert TYPED_IN not in {p.params["channel"] for p in slack.calls_to("chat.postMessage")}
    refusals = slack.calls_to("chat.postEphemeral")
    assert len(refusals) == 1
    assert (refusals[0].params["channel"], refusals[0].params["user"]) == (TYPED_IN, "W111")
    assert runbook.ref in refusals[0].params["text"] and says in refusals[0].params["text"]


def test_a_word_that_is_not_a_channel_is_refused_at_once(
    web: TestClient, slack: FakeSlackApi, runbook: Runbook
) -> None:
    ack = share(web, f"{runbook.ref} db oncall!")

    assert "Name the channel like `#db-oncall`" in ack["text"]
    assert slack.calls_to("conversations.list") == []


def test_channel_names_resolve_across_pages_and_are_cached_briefly(slack: FakeSlackApi) -> None:
    for n in range(450):
        slack.workspace.channels[f"C1{n:05d}"] = PretendChannel(f"C1{n:05d}", f"team-{n}")
    now = [0.0]
    directory = ChannelDirectory(ttl_seconds=60, clock=lambda: now[0])
    client = WebClient(base_url=slack.base_url, token="xoxb-test")

    assert directory.find(client, "team-449") == "C100449"
    pages = len(slack.calls_to("conversations.list"))
    assert pages == 3, "450 + the defaults at 200 a page"
    assert directory.find(client, "#Team-7") == "C100007"
    assert directory.find(client, "secops") is None, "a private channel FaultMaven is not in is not listed"
    assert len(slack.calls_to("conversations.list")) == pages, "a miss just after loading does not reload"
    now[0] = 6.0
    assert directory.find(client, "secops") is None
    assert len(slack.calls_to("conversations.list")) == 2 * pages, "a later miss reloads: it may be new"
    now[0] = 7.0
    assert directory.find(client, "secops") is None
    assert directory.find(client, "platform") == "C0PLATFORM"
    assert len(slack.calls_to("conversations.list")) == 2 * pages
    now[0] = 70.0
    assert directory.find(client, "platform") == "C0PLATFORM"
    assert len(slack.calls_to("conversations.list")) == 3 * pages, "names are remembered only briefly"


def test_parse_channel_ref_reads_both_forms() -> None:
    escaped = parse_channel_ref("<#C0PLATFORM|platform>")
    assert escaped is not None and (escaped.channel_id, escaped.name) == ("C0PLATFORM", "platform")
    plain = parse_channel_ref("#DB-oncall")
    assert plain is not None and (plain.channel_id, plain.name, plain.label) == (
        None,
        "db-oncall",
        "#db-oncall",
    )
    assert parse_channel_ref("<@U123>") is None and parse_channel_ref("two words") is None
