"""Jobs write their audit entries once per event, however often a job or a delivery is repeated."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.diagnosis import diagnose_case
from jobs.cases.resolutions import resolve_case
from jobs.incidents.events import process_incident_event
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.incident_webhooks import load, pd_event
from tests.jobs.incidents.test_incidents import deliver
from tests.jobs.runbooks.test_runbook_drafts import click, resolved_case


def kinds(ctx: JobContext, case_id: int = 1) -> list[str]:
    assert ctx.audit is not None
    return [r.kind for r in ctx.audit.for_case(case_id)]


def test_incident_opened_updated_and_resolved_are_audited_once(
    web: TestClient, job_context: JobContext, run_jobs: Callable[[], None]
) -> None:
    deliver(web, run_jobs, load("pagerduty_v3_incident_triggered.json"))
    acknowledged = pd_event(
        "incident.acknowledged", "E6", "2025-03-14T14:14:00Z", "acknowledged", agent="Jane"
    )
    resolved = pd_event("incident.resolved", "E8", "2025-03-14T14:16:00Z", "resolved", agent="Jane")
    deliver(web, run_jobs, acknowledged, resolved, resolved)  # PagerDuty redelivered the last one
    process_incident_event(1)
    diagnose_case(1)  # job re-runs log nothing new

    assert kinds(job_context) == [
        "incident_opened",
        "case_opened",
        "diagnosis",
        "incident_updated",
        "incident_resolved",
    ]
    assert job_context.audit is not None
    entries = job_context.audit.for_case(1)
    assert entries[0].data["source"] == "pagerduty" and entries[0].data["status"] == "triggered"
    assert entries[-1].data["status_before"] == "acknowledged"
    assert job_context.audit.verify().ok


def test_resolution_and_runbook_draft_review_are_audited_once(
    web: TestClient,
    services: Services,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    resolved_case(web, services, run_jobs)
    click(web, "fm_runbook_create", "1", user="W111")
    run_jobs()
    runbook_id = runbook_library.repo.count()
    click(web, "fm_runbook_approve", str(runbook_id), user="W222")
    run_jobs()
    resolve_case(1)  # a re-run

    assert kinds(job_context)[-3:] == ["case_resolved", "runbook_drafted", "runbook_approved"]
    assert job_context.audit is not None
    approved = job_context.audit.for_case(1)[-1]
    assert approved.actor == "W222" and approved.data["status"] == "active"
    assert approved.data["runbook"] == f"RB-{runbook_id:04d}"
