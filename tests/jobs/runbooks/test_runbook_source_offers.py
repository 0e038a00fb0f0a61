"""Cases resolved at their source (PagerDuty, Alertmanager) are offered a runbook that asks for the fix."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.models import Case
from tests.fakes.incident_webhooks import am_group, load, post_alertmanager, post_pagerduty
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_resolutions import say_resolve
from tests.jobs.runbooks.runbook_helpers import opened_view, press, submit

CHANNEL = "C0INCIDENTS"
OFFER = "Glad we solved it! Create a runbook from this case?"


def offers(slack: FakeSlackApi, case: Case) -> list[dict[str, object]]:
    assert case.root_ts is not None
    return [m for m in slack.thread(CHANNEL, case.root_ts) if m["text"] == OFFER]


def pagerduty_case(web: TestClient, services: Services, run_jobs: Callable[[], None], *names: str) -> Case:
    for name in names:
        assert post_pagerduty(web, load(name)).status_code in (200, 202)
        run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    return case


def test_pagerduty_resolution_offers_a_runbook_whose_modal_asks_for_root_cause_and_fix(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    case = pagerduty_case(
        web, services, run_jobs, "pagerduty_v3_incident_triggered.json", "pagerduty_v3_incident_resolved.json"
    )
    post_pagerduty(web, load("pagerduty_v3_incident_resolved.json"))  # a redelivery: still one offer
    run_jobs()

    [offer] = offers(slack, case)
    assert case.root_ts is not None
    thread = slack.thread(CHANNEL, case.root_ts)
    resolved_lines = [i for i, m in enumerate(thread) if str(m["text"]).startswith("✅ Resolved")]
    assert resolved_lines and thread.index(offer) > max(resolved_lines)
    assert "fm_runbook_create_ask" in json.dumps(offer["blocks"])

    press(web, "fm_runbook_create_ask", "1", user="W222", channel=CHANNEL)
    view = opened_view(slack)
    assert view["callback_id"] == "fm_runbook_fix_modal"

    refused = submit(web, view, {"fm_rb_fix_cause": "Pod memory limit too low", "fm_rb_fix_fix": " "}, "W222")
    assert refused == {"response_action": "errors", "errors": {"fm_rb_fix_fix": "Say what fixed it."}}

    texts = {"fm_rb_fix_cause": "Pod memory limit too low", "fm_rb_fix_fix": "Raised the limit to 1Gi"}
    assert submit(web, view, texts, "W222") == {}
    run_jobs()

    runbook = runbook_library.get(runbook_library.repo.count())
    assert runbook is not None and runbook.case_ref == "FM-1" and runbook.author == "W222"
    assert runbook.sections.root_cause == "Pod memory limit too low"
    assert runbook.sections.solution.startswith("Raised the limit to 1Gi")
    assert runbook.status.value == "pending_review"
    cards = [m for m in slack.thread(CHANNEL, case.root_ts) if str(m["text"]).startswith("📝 Draft runbook")]
    assert len(cards) == 1 and "fm_runbook_approve" in json.dumps(cards[0]["blocks"])
    assert "drafted RB-" in json.dumps(slack.messages[str(offer["ts"])]["blocks"])


def test_alertmanager_resolution_offers_too_and_a_later_slack_resolve_makes_it_one_click(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    post_alertmanager(web, am_group("LedgerDown", ["ledger-1"]))
    run_jobs()
    post_alertmanager(web, am_group("LedgerDown", ["ledger-1"], status="resolved"))
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None and case.status == "resolved"
    [offer] = offers(slack, case)
    assert "fm_runbook_create_ask" in json.dumps(offer["blocks"])

    say_resolve(web, CHANNEL, case.root_ts)
    run_jobs()

    [offer] = offers(slack, case)
    blocks = json.dumps(slack.messages[str(offer["ts"])]["blocks"])
    assert "fm_runbook_create_ask" not in blocks and '"fm_runbook_create"' in blocks
