"""App Home follows the changes that touch a person's items, without their opening it: a case they
opened, an approval waiting for them (and its end), a draft entering review; an unchanged view is not
published again."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.ids import Ids
from bot.services import Services
from jobs.actions.runtime import ActionRuntime
from jobs.learning.home import refresh_homes
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import blocks_of, click, say
from tests.jobs.actions.action_helpers import open_case as open_action_case
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.learning.test_home import published
from tests.jobs.runbooks.runbook_helpers import press


def publishes_to(slack: FakeSlackApi, user: str) -> int:
    return len([c for c in slack.calls_to("views.publish") if c.params["user_id"] == user])


def test_opening_a_case_refreshes_its_reporters_home_once_and_a_draft_reaches_the_reviewers(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    job_context.runbook_reviewers = ("W2",)
    case = open_case(services, run_jobs, "disk full on web-03: no space left on device", reporter="W1")
    assert case.ref in published(slack, "W1") and publishes_to(slack, "W2") == 0
    before = publishes_to(slack, "W1")
    assert refresh_homes(job_context, ["W1", "W1"]) == [], "the same view is not sent again"
    assert publishes_to(slack, "W1") == before

    resolve(web, case, "cleaned /var/log and rotated logs")
    run_jobs()
    assert "No open cases of yours." in published(slack, "W1")
    press(web, Ids.RUNBOOK_CREATE_BUTTON, str(case.id), "W1")
    run_jobs()
    [draft] = runbook_library.repo.find(("pending_review",))
    assert f"RB-{draft.id:04d}" in published(slack, "W2"), "the draft waits on the reviewer's Home"

    press(web, Ids.RUNBOOK_APPROVE_BUTTON, str(draft.id), "W2")
    run_jobs()
    assert f"RB-{draft.id:04d}" not in published(slack, "W2") and "No drafts waiting." in published(
        slack, "W2"
    )


def test_an_approval_request_appears_on_the_listed_approvers_home_and_leaves_when_decided(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    slack.usergroups["S0SRE"] = ["W0SRE2"]
    root_ts = open_action_case(services, run_jobs)
    say(web, root_ts, "run failover_db orders-db because primary unreachable")
    run_jobs()
    request = action_runtime.repo.get(1)
    assert (
        request is not None
        and request.card_ts is not None
        and "Who may approve" in blocks_of(slack, request.card_ts)
    )
    assert "failover_db on orders-db" in published(slack, "W0SRE1")
    assert publishes_to(slack, "W0SRE2") == 0, (
        "group members are not expanded (they see it when they open Home)"
    )

    click(web, "fm_approval_approve", "1", "W0SRE2", request.card_ts)
    run_jobs()
    assert "Nothing to approve." in published(slack, "W0SRE1")
