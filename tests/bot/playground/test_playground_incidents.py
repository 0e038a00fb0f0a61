"""The playground's PagerDuty buttons: open an incident, acknowledge it, resolve it, through the real app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from bot.app import create_app
from bot.playground.playground import Playground
from bot.services import Services
from bot.settings import Settings
from bot.web import create_web_app
from tests.bot.playground.test_playground import ALICE
from tests.fakes.pagerduty_api import PD_WEBHOOK_SECRETS
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def live(settings: Settings, services: Services, slack: FakeSlackApi) -> Playground:
    web = create_web_app(services, create_app(settings, services))
    playground = Playground(
        slack.workspace,
        SIGNING_SECRET,
        "http://testserver",
        slack.origin,
        transport=httpx.ASGITransport(web),
        pagerduty_secret=PD_WEBHOOK_SECRETS[0],
    )
    playground.incidents_enabled = True
    return playground


def test_injected_incident_can_be_acknowledged_then_resolved_as_the_person_at_the_page(
    live: Playground, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    opened = asyncio.run(live.inject_incident(0))
    run_jobs()
    case = services.cases.get(1)
    assert opened["ok"] and case is not None and case.root_ts is not None
    assert "Triggered" in str(slack.messages[case.root_ts]["blocks"])

    acked = asyncio.run(live.incident_event(ALICE, opened["incident_id"], "acknowledged"))
    run_jobs()
    card = str(slack.messages[case.root_ts]["blocks"])
    assert acked["ok"] and "Acknowledged" in card and "Alice Chen" in card

    resolved = asyncio.run(live.incident_event(ALICE, opened["incident_id"], "resolved"))
    run_jobs()
    case = services.cases.get(1)
    assert resolved["ok"] and case is not None and case.status == "resolved"
    assert "✅ Resolved" in str(slack.messages[str(case.root_ts)]["blocks"])


def test_only_incidents_the_page_opened_can_be_played_forward(live: Playground) -> None:
    opened = asyncio.run(live.inject_incident(1))

    assert asyncio.run(live.incident_event(ALICE, "QNOTOURS", "resolved")) == {
        "ok": False,
        "error": "not_found",
    }
    assert asyncio.run(live.incident_event(ALICE, opened["incident_id"], "deleted"))["error"] == "not_found"
