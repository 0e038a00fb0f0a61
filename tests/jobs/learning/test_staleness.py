"""Stale runbooks are flagged, with why, under `/faultmaven runbook review`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from starlette.testclient import TestClient

from bot.services import Services
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.cases import NewCase
from storage.models import utcnow
from storage.runbook_feedback import RunbookFeedbackRepository
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.runbooks.runbook_helpers import slash


def test_idle_and_failing_runbooks_are_flagged_with_their_reasons(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    failing = runbook_library.search("redis OOM command not allowed maxmemory", k=1)[0].runbook
    idle = runbook_library.search("disk full no space left on device", k=1)[0].runbook
    runbook_library.repo.update(idle.id, created_at=utcnow() - timedelta(days=120))
    feedback = RunbookFeedbackRepository(runbook_library.repo.sessions)
    for n, worked in enumerate([True, False, False, False]):
        new = NewCase(f"seed:{n}", "form", "C111", f"case {n}", "seeded", "W1", "high", "resolved")
        case, _job, _created = services.cases.open_case(new, "diagnose_case")
        feedback.record_vote(case.id, failing.id, "W1", worked)

    slash(web, "runbook review", "W5")
    run_jobs()

    [answer] = [c.params for c in slack.calls_to("chat.postEphemeral") if c.params["user"] == "W5"]
    shown = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "Live runbooks that need a look (2)" in shown
    assert f"*{idle.ref}*" in shown and "not suggested in 120 days; not confirmed ✅ in 120 days" in shown
    assert f"*{failing.ref}*" in shown and "worked 1/4 times, under 50%" in shown
