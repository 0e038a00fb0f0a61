"""Runbook failures classified and revised by Claude in the worker: the real anthropic client against a
fake Messages API; its failure falls back to the rules and the template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.engines import build_runbook_reviser
from bot.services import Services
from bot.settings import Settings
from engine.runbooks.models import RunbookStatus
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.db import make_session_factory
from storage.llm_usage import LlmUsageRepository
from tests.fakes.anthropic_api import FakeMessagesApi
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.test_known_fixes import redis_runbook, shown
from tests.jobs.learning.test_runbook_revisions import OTHER_FIX, fail_then_fix, revision_cards

SECTIONS = {
    "problem_summary": "Redis rejects writes at maxmemory.",
    "diagnosis_steps": "1. Check INFO memory.\n2. Check `whoami` has CONFIG rights first.",
    "root_cause": "A replica full resync grew the output buffers.",
    "solution": "1. Ask the DBA on-call to run CONFIG SET client-output-buffer-limit.",
    "prevention": "",
}


def with_claude(
    job_context: JobContext, services: Services, settings: Settings, library: RunbookLibrary
) -> FakeMessagesApi:
    api = FakeMessagesApi()
    job_context.runbooks = library
    job_context.runbook_reviser = build_runbook_reviser(settings, client=api.client(max_retries=0))
    job_context.llm_usage = LlmUsageRepository(make_session_factory(services.db))
    return api


def answer(kind: str, revised: dict[str, str] | None) -> dict[str, Any]:
    return {
        "failure_kind": kind,
        "reason": "CONFIG SET was refused",
        "evidence": ["permission denied"],
        "revised": revised,
    }


def test_claude_classifies_and_writes_v2_from_the_parent_and_the_case(
    web: TestClient,
    services: Services,
    settings: Settings,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    api = with_claude(job_context, services, settings, runbook_library)
    api.answer_with(answer("permission_denied", SECTIONS))
    v1 = redis_runbook(runbook_library)
    case_id = fail_then_fix(web, services, run_jobs, v1)

    [request] = api.requests
    assert request["tool_choice"]["name"] == "record_runbook_revision"
    sent = "\n".join(part["text"] for message in request["messages"] for part in message["content"])
    assert (
        f'<runbook ref="RB-{v1:04d}" version="1">' in sent
        and "client-output-buffer-limit replica 256mb" in sent
    )
    assert '<votes worked="0" failed="1"/>' in sent
    [card] = revision_cards(slack)
    assert "permission denied — CONFIG SET was refused" in shown(slack, card)
    assert "Revised by Claude" in shown(slack, card)
    assert "found in neither the parent nor the case: whoami" in shown(slack, card), (
        "an invented command is flagged"
    )
    v2 = runbook_library.repo.find((RunbookStatus.PENDING_REVIEW.value,))[-1]
    assert v2.parent_id == v1 and v2.solution == SECTIONS["solution"]
    assert job_context.llm_usage is not None
    assert job_context.llm_usage.totals_for_case(case_id).calls == 1, "what Claude cost is recorded"


def test_a_failure_claude_calls_unimprovable_gets_no_v2(
    web: TestClient,
    services: Services,
    settings: Settings,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    api = with_claude(job_context, services, settings, runbook_library)
    api.answer_with(answer("external_dependency", None))
    case_id = fail_then_fix(web, services, run_jobs, redis_runbook(runbook_library))
    assert (
        revision_cards(slack) == [] and runbook_library.repo.find((RunbookStatus.PENDING_REVIEW.value,)) == []
    )
    assert job_context.audit is not None
    [entry] = [r for r in job_context.audit.for_case(case_id) if r.kind == "runbook_failure_classified"]
    assert entry.data["failure"] == "external_dependency" and entry.data["engine"] == "Claude"


def test_when_claude_fails_the_rules_and_the_template_revise_and_say_so(
    web: TestClient,
    services: Services,
    settings: Settings,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    api = with_claude(job_context, services, settings, runbook_library)
    api.fail_with(500, times=2)
    fail_then_fix(web, services, run_jobs, redis_runbook(runbook_library))
    [card] = revision_cards(slack)
    assert "runbook insufficient" in shown(slack, card) and "Claude could not revise" in shown(slack, card)
    assert (
        OTHER_FIX.split("fix: ")[1]
        in runbook_library.repo.find((RunbookStatus.PENDING_REVIEW.value,))[-1].solution
    )
