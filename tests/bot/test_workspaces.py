"""Many workspaces: the real OAuth install flow, per-team tokens, and cases that never cross teams."""

from __future__ import annotations

import pytest
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from starlette.testclient import TestClient

from bot.services import Services
from bot.settings import Settings
from jobs.runbooks.library import RunbookLibrary
from jobs.workspaces.stores import installation_store
from tests.bot.workspace_helpers import (
    ALPHA,
    BRAVO,
    SHARED,
    begin_install,
    command,
    ephemerals,
    finish_install,
    install,
    many_workspaces,
    oauth_web_app,
    reply_in_thread,
    work,
)
from tests.fakes.embedding import MemoEmbedder
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def oauth_settings(settings: Settings, slack: FakeSlackApi) -> Settings:
    return many_workspaces(settings, slack)


@pytest.fixture
def oauth_web(oauth_settings: Settings, services: Services) -> TestClient:
    return oauth_web_app(oauth_settings, services)


def test_installing_through_slack_oauth_saves_the_workspace_bot_token(
    oauth_web: TestClient, slack: FakeSlackApi, services: Services
) -> None:
    state = begin_install(oauth_web, slack)

    assert finish_install(oauth_web, slack.grant(ALPHA), state) == 200

    bot = installation_store(services.db, slack.client_id).find_bot(enterprise_id=None, team_id=ALPHA.team_id)
    assert bot is not None
    assert (bot.bot_token, bot.bot_user_id, bot.bot_id) == (ALPHA.bot_token, ALPHA.bot_user_id, ALPHA.bot_id)
    assert len(slack.calls_to("oauth.v2.access")) == 1


def test_an_install_with_a_foreign_or_replayed_state_is_refused(
    oauth_web: TestClient, slack: FakeSlackApi, services: Services
) -> None:
    state = begin_install(oauth_web, slack)
    other = begin_install(oauth_web, slack)

    # Another browser's state (cookie and query disagree), then a made-up one, then a replay.
    assert finish_install(oauth_web, slack.grant(ALPHA), state, cookie_state=other) == 400
    assert finish_install(oauth_web, slack.grant(ALPHA), "made-up-state") == 401
    assert finish_install(oauth_web, slack.grant(ALPHA), state) == 200
    assert finish_install(oauth_web, slack.grant(BRAVO), state) == 401

    store = installation_store(services.db, slack.client_id)
    assert store.find_bot(enterprise_id=None, team_id=BRAVO.team_id) is None
    assert len(slack.calls_to("oauth.v2.access")) == 1


def test_two_workspaces_each_see_only_their_own_cases(
    oauth_web: TestClient,
    oauth_settings: Settings,
    slack: FakeSlackApi,
    services: Services,
    embedder: MemoEmbedder,
) -> None:
    install(oauth_web, slack, ALPHA)
    install(oauth_web, slack, BRAVO)

    command(oauth_web, ALPHA, "help redis is OOM-killing on cache-01", "1.alpha", "U0ANN")
    work(oauth_settings, services, embedder)

    case = services.cases.find_by_dedupe_key("slash:1.alpha")
    assert case is not None and case.team_id == ALPHA.team_id and case.root_ts
    # The case's root and diagnosis were posted as Alpha's bot; Bravo's token was never used.
    roots = [
        c
        for c in slack.calls_with_token("chat.postMessage", ALPHA.bot_token)
        if not c.params.get("thread_ts")
    ]
    assert [c.params["channel"] for c in roots] == [SHARED]
    assert slack.calls_with_token("chat.postMessage", BRAVO.bot_token) == []

    command(oauth_web, BRAVO, "list all", "2.bravo", "U0BEN")
    command(oauth_web, BRAVO, f"status {case.ref}", "3.bravo", "U0BEN")
    command(oauth_web, ALPHA, "list all", "4.alpha", "U0ANN")
    work(oauth_settings, services, embedder)

    assert ephemerals(slack, BRAVO, "U0BEN") == ["0 open cases", f"There is no case {case.ref}."]
    assert ephemerals(slack, ALPHA, "U0ANN")[-1] == "1 open cases"

    # The same thread ts in the shared channel: Bravo's message is not evidence for Alpha's case.
    reply_in_thread(oauth_web, BRAVO, case.root_ts, "1800000000.000100", "bravo: it was the cache")
    reply_in_thread(oauth_web, ALPHA, case.root_ts, "1800000000.000200", "alpha: maxmemory is 2gb")
    work(oauth_settings, services, embedder)

    loaded = services.cases.get(case.id)
    assert loaded is not None
    assert [m.text for m in loaded.messages if not m.from_bot] == ["alpha: maxmemory is 2gb"]


def test_runbook_sharing_resolves_channel_names_in_the_sharing_workspace(
    oauth_web: TestClient,
    oauth_settings: Settings,
    slack: FakeSlackApi,
    services: Services,
    embedder: MemoEmbedder,
    runbook_library: RunbookLibrary,
) -> None:
    install(oauth_web, slack, ALPHA)
    install(oauth_web, slack, BRAVO)
    runbook = runbook_library.search("TLS certificate expired", k=1)[0].runbook

    for team, user in ((ALPHA, "U0ANN"), (BRAVO, "U0BEN")):
        text = f"runbook share {runbook.ref} #db-oncall"
        command(oauth_web, team, text, f"5.{team.team_id}", user, channel="C0INCIDENTS")
    work(oauth_settings, services, embedder, runbooks=runbook_library)

    # "#db-oncall" is looked up in each workspace with its own token (no name cached across teams),
    # and each card is posted by the sharing workspace's bot.
    for team in (ALPHA, BRAVO):
        assert len(slack.calls_with_token("conversations.list", team.bot_token)) == 1
        posts = slack.calls_with_token("chat.postMessage", team.bot_token)
        assert [p.params["channel"] for p in posts] == ["C0DBONCALL"]


def test_an_uninstalled_workspace_loses_its_token_and_its_jobs_fail_into_rq(
    caplog: pytest.LogCaptureFixture,
    oauth_web: TestClient,
    oauth_settings: Settings,
    slack: FakeSlackApi,
    services: Services,
    embedder: MemoEmbedder,
) -> None:
    install(oauth_web, slack, ALPHA)
    command(oauth_web, ALPHA, "help disk full on web-03", "6.alpha", "U0ANN")
    # Slack tells every web process: the installation goes, before the worker gets to the case.
    body = event_body({"type": "app_uninstalled"}, event_id="EvGone", team_id=ALPHA.team_id)
    gone = oauth_web.post(
        "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
    )
    assert gone.status_code == 200
    assert (
        installation_store(services.db, slack.client_id).find_bot(enterprise_id=None, team_id=ALPHA.team_id)
        is None
    )

    work(oauth_settings, services, embedder)

    case = services.cases.find_by_dedupe_key("slash:6.alpha")
    assert case is not None and case.root_ts is None
    assert slack.calls_to("chat.postMessage") == []
    # The job carries its team; it failed on its first Slack call, so RQ holds it for a retry.
    job = Job.fetch(f"diagnose_case-{case.id}", connection=services.redis, serializer=JSONSerializer)
    assert job.meta["team_id"] == ALPHA.team_id
    assert job.get_status() == JobStatus.SCHEDULED
    assert "WorkspaceNotInstalledError: FaultMaven is not installed in Slack workspace T0ALPHA" in caplog.text


def test_one_workspace_mode_acknowledges_an_uninstall_and_says_what_to_do(
    caplog: pytest.LogCaptureFixture, web: TestClient
) -> None:
    body = event_body({"type": "app_uninstalled"}, event_id="EvGoneOne")

    answer = web.post(
        "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
    )

    assert answer.status_code == 200
    assert "SLACK_BOT_TOKEN no longer works" in caplog.text
    assert web.get("/slack/install").status_code == 404


def test_a_listener_opens_its_modal_with_the_requesting_workspace_token(
    oauth_web: TestClient, slack: FakeSlackApi
) -> None:
    install(oauth_web, slack, ALPHA)
    install(oauth_web, slack, BRAVO)

    command(oauth_web, BRAVO, "", "7.bravo", "U0BEN")

    [opened] = slack.calls_to("views.open")
    assert opened.token == BRAVO.bot_token and opened.params["trigger_id"] == "7.bravo"
