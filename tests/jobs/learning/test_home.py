"""App Home is published on open with the right items for each person."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.ids import Ids
from bot.services import Services
from jobs.runtime import JobContext
from storage.actions import ActionRepository, NewProposal
from storage.db import make_session_factory
from storage.known_fixes import KnownFixRepository, NewKnownFix
from storage.runbooks import RunbookFields, RunbookRepository
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.runbooks.runbook_helpers import opened_view, press, submit


def open_home(web: TestClient, user: str, n: int) -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": f"1700.{n}"}
    body = event_body(event, f"EvHome{n}")
    assert (
        web.post(
            "/slack/events", content=body, headers=signed_headers(body, content_type="application/json")
        ).status_code
        == 200
    )


def published(slack: FakeSlackApi, user: str) -> str:
    """The user's Home tab as last published."""
    call = [c for c in slack.calls_to("views.publish") if c.params["user_id"] == user][-1]
    view = call.params["view"]
    return json.dumps(json.loads(view) if isinstance(view, str) else view, ensure_ascii=False)


def test_home_shows_each_person_their_cases_approvals_and_reviews(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbook_reviewers = ("W2",)
    mine = open_case(services, run_jobs, "disk full on web-03: no space left on device", reporter="W1")
    theirs = open_case(services, run_jobs, "dns lookups for api.internal time out", reporter="W2")
    sessions = make_session_factory(services.db)
    proposal, _ = ActionRepository(sessions).create(
        NewProposal(
            dedupe_key="p1",
            case_id=theirs.id,
            action="restart nginx",
            target="web-03",
            risk="medium",
            requester="W2",
            level="single",
            quorum="1",
            rule="test",
            critical=False,
            timeout_seconds=600,
            undo_seconds=0,
            status="pending",
            channel_id="C111",
            thread_ts=theirs.root_ts or "",
            approvers=("W1",),
        )
    )
    draft = RunbookRepository(sessions).create(
        RunbookFields(title="Drafted: DNS timeouts", status="draft", source="drafted", author="W3")
    )
    KnownFixRepository(sessions).propose(
        NewKnownFix("database|runbook:4|-", "runbook:4", "Follow RB-0004: raise maxmemory", 5, 5, "{}")
    )

    open_home(web, "W1", 1)
    open_home(web, "W2", 2)
    run_jobs()

    w1, w2 = published(slack, "W1"), published(slack, "W2")
    assert mine.ref in w1 and theirs.ref not in w1.split("Approvals")[0]
    assert f"#{proposal.id}" in w1 and "restart nginx on web-03" in w1
    assert "No drafts waiting." in w1 and "No promotions waiting." in w1, "W1 is not a reviewer"
    assert theirs.ref in w2.split("Approvals")[0] and mine.ref not in w2
    assert "Nothing to approve." in w2, "W2 requested the only action"
    assert f"RB-{draft.id:04d}" in w2 and "KF-1" in w2 and "resolved 5/5 times" in w2
    assert "Team, last 30 days" in w1 and "2 opened · 0 resolved" in w1


def test_home_is_refreshed_when_the_reporters_case_resolves_and_when_a_reviewer_decides(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbook_reviewers = ("W2", "S0GROUP")
    mine = open_case(services, run_jobs, "disk full on web-03: no space left on device", reporter="W1")
    KnownFixRepository(make_session_factory(services.db)).propose(
        NewKnownFix("database|runbook:4|-", "runbook:4", "Follow RB-0004: raise maxmemory", 5, 5, "{}")
    )
    slack.workspace.usergroups["S0GROUP"] = []

    resolve(web, mine, "cleaned /var/log")
    run_jobs()
    assert mine.ref not in published(slack, "W1") and "No open cases of yours." in published(slack, "W1")

    press(web, Ids.KNOWN_FIX_REJECT_BUTTON, "1", "W2")
    submit(web, opened_view(slack), {Ids.KNOWN_FIX_REASON: "too broad"}, "W2")
    run_jobs()
    assert "No promotions waiting." in published(slack, "W2"), "W2's Home no longer lists KF-1"
