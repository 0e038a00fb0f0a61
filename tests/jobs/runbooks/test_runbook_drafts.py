"""Resolved case → runbook offer → draft → review, through the real signed app and worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import count

from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from jobs.cases.resolutions import resolve_case
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.signing import interactive_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_resolutions import say_resolve

REPORT = "payments-ledger sync stalls after a zookeeper quorum flap"
OFFER = "Glad we solved it! Create a runbook from this case?"
_clicks = count(1)


def click(web: TestClient, action_id: str, value: str, user: str, channel: str = "C111") -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T111"},
        "api_app_id": "A111",
        "trigger_id": f"333.444.{next(_clicks)}",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "action_ts": f"17000000{next(_clicks)}.1",
            }
        ],
    }
    body = interactive_body(payload)
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200


def resolved_case(web: TestClient, services: Services, run_jobs: Callable[[], None]) -> str:
    services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:rb", source="slash", channel_id="C111", reporter_id="W1", text=REPORT
        )
    )
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    say_resolve(web, "C111", case.root_ts)
    say_resolve(web, "C111", case.root_ts)  # Slack's retry
    run_jobs()
    return case.root_ts


def offers(slack: FakeSlackApi, root_ts: str) -> list[dict[str, object]]:
    return [m for m in slack.thread("C111", root_ts) if "fm_runbook_offer" in json.dumps(m["blocks"])]


def draft_card(slack: FakeSlackApi, root_ts: str) -> dict[str, object]:
    cards = [m for m in slack.thread("C111", root_ts) if str(m["text"]).startswith("📝 Draft runbook")]
    assert len(cards) == 1
    return cards[0]


def test_resolve_offers_once_and_create_posts_a_pending_draft_for_review(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    root_ts = resolved_case(web, services, run_jobs)
    resolve_case(1)  # the job re-run: still one offer

    assert len(offers(slack, root_ts)) == 1 and offers(slack, root_ts)[0]["text"] == OFFER
    assert "fm_runbook_create" in json.dumps(offers(slack, root_ts)[0]["blocks"])

    click(web, "fm_runbook_create", "1", user="W111")
    click(web, "fm_runbook_create", "1", user="W111")  # a double click drafts once
    run_jobs()

    card = draft_card(slack, root_ts)
    assert "fm_runbook_approve" in json.dumps(card["blocks"]) and "Root cause" in json.dumps(card["blocks"])
    runbook = runbook_library.get(runbook_library.repo.count())
    assert runbook is not None and runbook.status.value == "pending_review"
    assert runbook.author == "W111" and runbook.case_ref == "FM-1" and runbook.source.value == "generated"
    assert runbook.sections.root_cause == "bad memory limit in v42"
    assert runbook.id not in [r.runbook.id for r in runbook_library.search(REPORT, k=10)]

    click(web, "fm_runbook_approve", str(runbook.id), user="W111")  # the author
    run_jobs()

    refusal = slack.calls_to("chat.postEphemeral")[-1].params
    assert refusal["user"] == "W111" and "someone else needs to approve" in refusal["text"]
    assert (runbook_library.get(runbook.id) or runbook).status.value == "pending_review"

    click(web, "fm_runbook_approve", str(runbook.id), user="W222")
    run_jobs()

    approved = runbook_library.get(runbook.id)
    assert approved is not None and approved.status.value == "active" and approved.reviewer == "W222"
    blocks = json.dumps(slack.messages[str(card["ts"])]["blocks"], ensure_ascii=False)
    assert f"✅ Approved by <@W222> — {runbook.ref} is now searchable" in blocks
    assert "fm_runbook_approve" not in blocks
    assert runbook.id in [r.runbook.id for r in runbook_library.search(REPORT, k=3)]

    click(web, "fm_runbook_reject", str(runbook.id), user="W333")  # a vote after the decision
    run_jobs()

    late = slack.calls_to("chat.postEphemeral")[-1].params
    assert late["user"] == "W333" and "already reviewed" in late["text"]
    assert (runbook_library.get(runbook.id) or runbook).status.value == "active"


def test_reject_archives_the_draft_and_no_thanks_closes_the_offer(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    root_ts = resolved_case(web, services, run_jobs)
    click(web, "fm_runbook_create", "1", user="W111")
    run_jobs()
    card = draft_card(slack, root_ts)
    runbook_id = runbook_library.repo.count()

    click(web, "fm_runbook_reject", str(runbook_id), user="W111")
    click(web, "fm_runbook_decline", "1", user="W222")  # too late: a draft exists
    run_jobs()

    rejected = runbook_library.get(runbook_id)
    assert rejected is not None and rejected.status.value == "archived" and rejected.reviewer == "W111"
    assert "🗑️ Rejected by <@W111>" in json.dumps(
        slack.messages[str(card["ts"])]["blocks"], ensure_ascii=False
    )
    assert runbook_id not in [r.runbook.id for r in runbook_library.search(REPORT, k=10)]
    offer = json.dumps(offers(slack, root_ts)[0]["blocks"])
    assert "drafted RB-" in offer and "fm_runbook_create" not in offer


def test_no_thanks_closes_the_offer(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    before = runbook_library.repo.count()
    root_ts = resolved_case(web, services, run_jobs)

    click(web, "fm_runbook_decline", "1", user="W222")
    run_jobs()

    offer = json.dumps(offers(slack, root_ts)[0]["blocks"])
    assert "No runbook for this case" in offer and "fm_runbook_create" not in offer
    assert runbook_library.repo.count() == before
