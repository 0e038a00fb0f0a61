"""Many workspaces, driven as Slack and an installer's browser would: OAuth installs, per-team requests
and a real worker whose jobs are bound to their team."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
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
from jobs.actions.runtime import ActionRuntime
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from jobs.slack import make_web_client
from jobs.worker import run_worker
from tests.fakes.embedding import MemoEmbedder
from tests.fakes.signing import event_body, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi, InstalledTeam

# The app in-process (TestClient) or a real `faultmaven serve` (an httpx client on its URL).
Browser = TestClient | httpx.Client
ALPHA = InstalledTeam("T0ALPHA", "Alpha", "xoxb-alpha-0001-team", "U0ALPHABOT", "B0ALPHA")
BRAVO = InstalledTeam("T0BRAVO", "Bravo", "xoxb-bravo-0002-team", "U0BRAVOBOT", "B0BRAVO")
# One channel id seen from both workspaces (a Slack Connect channel): only the team tells them apart.
SHARED = "C0SHARED"
COOKIE = "slack-app-oauth-state"


def many_workspaces(settings: Settings, slack: FakeSlackApi) -> Settings:
    """Many workspaces: the app's client id and secret, and no single bot token."""
    return settings.model_copy(
        update={
            "slack_bot_token": None,
            "slack_client_id": slack.client_id,
            "slack_client_secret": SecretStr(slack.client_secret),
        }
    )


def oauth_web_app(oauth_settings: Settings, services: Services) -> TestClient:
    """The real web app (Bolt with its OAuth flow inside Starlette)."""
    return TestClient(create_web_app(services, create_app(oauth_settings, services)))


def begin_install(web: Browser, slack: FakeSlackApi) -> str:
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


def finish_install(web: Browser, code: str, state: str, cookie_state: str | None = None) -> int:
    """Slack's redirect back: GET /slack/oauth_redirect?code=…&state=… from the installer's browser."""
    answer = web.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{COOKIE}={cookie_state or state}"},
    )
    return answer.status_code


def install(web: Browser, slack: FakeSlackApi, team: InstalledTeam) -> None:
    state = begin_install(web, slack)
    assert finish_install(web, slack.grant(team), state) == 200


def command(
    web: TestClient, team: InstalledTeam, text: str, trigger: str, user: str, channel: str = SHARED
) -> None:
    """A signed slash command from `team`."""
    body = slash_command_body(
        text, trigger_id=trigger, user_id=user, channel_id=channel, team_id=team.team_id
    )
    answer = web.post("/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200, answer.text


def reply_in_thread(web: TestClient, team: InstalledTeam, thread_ts: str, ts: str, text: str) -> None:
    event = {"type": "message", "channel": SHARED, "user": "U0PERSON", "text": text, "ts": ts}
    body = event_body({**event, "thread_ts": thread_ts}, event_id=f"Ev{ts}", team_id=team.team_id)
    answer = web.post(
        "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
    )
    assert answer.status_code == 200, answer.text


def work(
    oauth_settings: Settings,
    services: Services,
    embedder: MemoEmbedder,
    actions: ActionRuntime | None = None,
    runbooks: RunbookLibrary | None = None,
) -> None:
    """The real worker loop (LeasingWorker), in burst: each job bound to its team's token and cases."""
    context = JobContext(
        cases=services.cases,
        slack=make_web_client(None, oauth_settings.slack_api_url),
        engine=OfflineEngine(load_patterns()),
        learning=build_learning_runtime(services.db, embedder, oauth_settings),
        workspaces=build_workspace_clients(oauth_settings, services.db),
        actions=actions,
        runbooks=runbooks,
    )
    run_worker(context, services.queue, burst=True)


def ephemerals(slack: FakeSlackApi, team: InstalledTeam, user: str) -> list[str]:
    return [
        c.params["text"]
        for c in slack.calls_with_token("chat.postEphemeral", team.bot_token)
        if c.params["user"] == user
    ]
