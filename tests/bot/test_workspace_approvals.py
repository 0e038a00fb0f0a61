"""Approvals never cross workspaces: a click on team A's approval card that arrives from team B counts
for nothing, and the refusal goes out with team B's own token."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.actions import build_action_runtime
from bot.services import Services
from bot.settings import Settings
from jobs.actions.runtime import ActionRuntime
from tests.bot.workspace_helpers import (
    ALPHA,
    BRAVO,
    command,
    ephemerals,
    install,
    many_workspaces,
    oauth_web_app,
    work,
)
from tests.fakes.clock import MovableClock
from tests.fakes.embedding import MemoEmbedder
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import CHANNEL, REPORT, click, say

TEST_POLICY = Path(__file__).resolve().parents[1] / "data" / "policy.yaml"


@pytest.fixture
def oauth_settings(settings: Settings, slack: FakeSlackApi) -> Settings:
    return many_workspaces(settings, slack).model_copy(update={"faultmaven_policy_file": TEST_POLICY})


@pytest.fixture
def oauth_web(oauth_settings: Settings, services: Services) -> TestClient:
    return oauth_web_app(oauth_settings, services)


@pytest.fixture
def actions(oauth_settings: Settings, services: Services, clock: MovableClock) -> ActionRuntime:
    runtime = build_action_runtime(oauth_settings, services.db, services.queue)
    runtime.clock = clock
    return runtime


def test_an_approval_click_from_another_workspace_is_refused(
    oauth_web: TestClient,
    oauth_settings: Settings,
    slack: FakeSlackApi,
    services: Services,
    embedder: MemoEmbedder,
    actions: ActionRuntime,
) -> None:
    install(oauth_web, slack, ALPHA)
    install(oauth_web, slack, BRAVO)
    command(oauth_web, ALPHA, f"help {REPORT}", "1.alpha", "W1", channel=CHANNEL)
    work(oauth_settings, services, embedder, actions)
    case = services.cases.find_by_dedupe_key("slash:1.alpha")
    assert case is not None and case.root_ts is not None
    say(
        oauth_web,
        case.root_ts,
        "run restart_api checkout-7 replicas=3 because OOM loop",
        team_id=ALPHA.team_id,
    )
    work(oauth_settings, services, embedder, actions)
    proposal = actions.repo.get(1)
    assert proposal is not None and proposal.card_ts is not None and proposal.status == "pending"

    click(oauth_web, "fm_approval_approve", "1", "W2", proposal.card_ts, team_id=BRAVO.team_id)
    work(oauth_settings, services, embedder, actions)

    assert actions.repo.votes(1) == []
    assert ephemerals(slack, BRAVO, "W2") == ["That button does not match any request here."]

    click(oauth_web, "fm_approval_approve", "1", "W2", proposal.card_ts, team_id=ALPHA.team_id)
    work(oauth_settings, services, embedder, actions)

    assert [v.voter for v in actions.repo.votes(1)] == ["W2"]
    assert slack.calls_with_token("chat.update", BRAVO.bot_token) == []
