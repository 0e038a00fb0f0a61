"""Many workspaces: the real OAuth install flow, per-team tokens, and cases that never cross teams."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.app import create_app
from bot.learning import build_learning_runtime
from bot.oauth import BOT_SCOPES, build_workspace_clients
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from engine.knowledge.patterns_model import load_patterns
from engine.offline import OfflineEngine
from jobs.runtime import JobContext
from jobs.slack import make_web_client
from jobs.worker import run_worker
from jobs.workspaces.stores import installation_store
from tests.fakes.embedding import MemoEmbedder
from tests.fakes.signing import event_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi, InstalledTeam

ALPHA = InstalledTeam("T0ALPHA", "Alpha", "xoxb-alpha-0001-team", "U0ALPHABOT", "B0ALPHA")
BRAVO = InstalledTeam("T0BRAVO", "Bravo", "xoxb-bravo-0002-team", "U0BRAVOBOT", "B0BRAVO")
# One channel id seen from both workspaces (a Slack Connect channel): only the team tells them apart.
SHARED = "C0SHARED"
COOKIE = "slack-app-oauth-state"


@pytest.fixture
def oauth_settings(settings: Settings, slack: FakeSlackApi) -> Settings:
    """Many workspaces: the app's client id and secret, and no single bot token."""
    return settings.model_copy(
        update={
            "slack_bot_token": None,
            "slack_client_id": slack.client_id,
            "slack_client_secret": SecretStr(slack.client_secret),
        }
    )


@pytest.fixture
def oauth_web(oauth_settings: Settings, services: Services) -> TestClient:
    return TestClient(create_web_app(services, create_app(oauth_settings, services)))


def begin_install(web: TestClient, slack: FakeSlackApi) -> str:
    """GET /slack/install: the state cookie, and Slack's authorize URL carrying the same state."""
    page = web.get("/slack/install")
    assert page.status_code == 200
    found = re.search(rf"{COOKIE}=([^;]+);", page.headers["set-cookie"])
    assert found is not None
    state = found[1]
    link = re.search(r'<a href="([^"]+)"', page.text)
    assert link is not None
    query = parse_qs(urlsplit(html.unescape(link[1])).query)
    assert query["state"] == [state]
    assert query["client_id"] == [slack.client_id]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    return state


def finish_install(web: TestClient, code: str, state: str, cookie_state: str | None = None) -> int:
    """Slack's redirect back: GET /slack/oauth_redirect?code=…&state=… from the installer's browser."""
    answer = web.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{COOKIE}={cookie_state or state}"},
    )
    return answer.status_code


def install(web: TestClient, slack: FakeSlackApi, team: InstalledTeam) -> None:
    state = begin_install(web, slack)
    assert finish_install(web, slack.grant(team), state) == 200


def command(web: TestClient, team: InstalledTeam, text: str, trigger: str, user: str) -> None:
    body = slash_command_body(text, trigger_id=trigger, user_id=user, channel_id=SHARED, team_id=team.team_id)
    answer = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200, answer.text


def reply_in_thread(web: TestClient, team: InstalledTeam, thread_ts: str, ts: str, text: str) -> None:
    event = {"type": "message", "channel": SHARED, "user": "U0PERSON", "text": text, "ts": ts}
    body = event_body({**event, "thread_ts": thread_ts}, event_id=f"Ev{ts}", team_id=team.team_id)
    answer = web.post(
        "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
    )
    assert answer.status_code == 200, answer.text


def work(oauth_settings: Settings, services: Services, embedder: MemoEmbedder) -> None:
    """The real worker loop (LeasingWorker), in burst: each job bound to its team's token and cases."""
    context = JobContext(
        cases=services.cases,
        slack=make_web_client(None, oauth_settings.slack_api_url),
        engine=OfflineEngine(load_patterns()),
        learning=build_learning_runtime(services.db, embedder, oauth_settings),
        workspaces=build_workspace_clients(oauth_settings, services.db),
    )
    run_worker(context, services.queue, burst=True)


def ephemerals(slack: FakeSlackApi, team: InstalledTeam, user: str) -> list[str]:
    return [
        c.params["text"]
        for c in slack.calls_with_token("chat.postEphemeral", team.bot_token)
        if c.params["user"] == user
    ]


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
