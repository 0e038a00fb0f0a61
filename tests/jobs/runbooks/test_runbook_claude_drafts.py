"""Runbook drafts written by Claude in the worker: the real anthropic client against a fake Messages API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.engines import build_runbook_writer
from bot.services import Services
from bot.settings import Settings
from engine.llm.runbook_writer import ClaudeRunbookWriter
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.db import make_session_factory
from storage.llm_usage import LlmUsageRepository
from tests.fakes.anthropic_api import FakeMessagesApi
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.runbooks.test_runbook_drafts import click, draft_card, resolved_case


def answer(**overrides: Any) -> dict[str, Any]:
    """What Claude records for the case in test_runbook_drafts (one invented step included)."""
    runbook: dict[str, Any] = {
        "title": "Payments-ledger sync stalls after a ZooKeeper quorum flap",
        "problem_summary": {"symptoms": ["payments-ledger sync stalls after a zookeeper quorum flap"]},
        "diagnosis_steps": [
            {"description": "Noticed the payments-ledger sync stall after the zookeeper quorum flap"},
            {"description": "Checked ZooKeeper ensemble health", "command": "echo ruok | nc zk-0 2181"},
        ],
        "root_cause": "bad memory limit in v42",
        "solution": {"fix": [{"description": "Rolled back to v41"}]},
        "prevention": ["Alert on ledger sync lag"],
    }
    runbook.update(overrides)
    return runbook


def with_claude(
    job_context: JobContext, services: Services, settings: Settings, library: RunbookLibrary
) -> FakeMessagesApi:
    api = FakeMessagesApi()
    job_context.runbooks = library
    job_context.runbook_writer = build_runbook_writer(settings, client=api.client(max_retries=0))
    job_context.llm_usage = LlmUsageRepository(make_session_factory(services.db))
    return api


def test_claude_drafts_from_the_case_only_and_the_card_says_what_was_removed(
    web: TestClient,
    services: Services,
    settings: Settings,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    api = with_claude(job_context, services, settings, runbook_library)
    api.answer_with(answer())
    root_ts = resolved_case(web, services, run_jobs)

    click(web, "fm_runbook_create", "1", user="W111")
    run_jobs()

    [request] = api.requests
    assert request["tool_choice"]["name"] == "record_runbook" and request["model"] == "claude-sonnet-4-6"
    assert "payments-ledger sync stalls" in json.dumps(request["messages"])
    runbook = runbook_library.get(runbook_library.repo.count())
    assert runbook is not None and runbook.title.startswith("Payments-ledger sync stalls after a ZooKeeper")
    assert "zookeeper quorum flap" in runbook.sections.diagnosis_steps
    assert "nc zk-0" not in runbook.sections.model_dump_json()
    assert runbook.status.value == "pending_review" and runbook.source.value == "generated"
    card = json.dumps(draft_card(slack, root_ts)["blocks"], ensure_ascii=False)
    assert "ℹ️ Drafted by Claude (claude-sonnet-4-6) from this case only. Removed 1 item(s)" in card
    assert job_context.llm_usage is not None
    assert job_context.llm_usage.totals_for_case(1).calls == 1


def test_a_malformed_claude_answer_falls_back_to_the_template_draft_with_a_note(
    web: TestClient,
    services: Services,
    settings: Settings,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    api = with_claude(job_context, services, settings, runbook_library)
    api.answer_with(None)  # text only, no tool call
    api.answer_with(answer(root_cause=""))
    root_ts = resolved_case(web, services, run_jobs)

    click(web, "fm_runbook_create", "1", user="W111")
    run_jobs()

    runbook = runbook_library.get(runbook_library.repo.count())
    assert runbook is not None and runbook.sections.root_cause == "bad memory limit in v42"
    assert runbook.title == "payments-ledger sync stalls after a zookeeper quorum flap"
    card = json.dumps(draft_card(slack, root_ts)["blocks"], ensure_ascii=False)
    assert "ℹ️ Claude could not draft this runbook" in card and "filled from the case data" in card
    assert job_context.llm_usage is not None
    assert job_context.llm_usage.totals_for_case(1).calls == 2


def test_the_worker_drafts_with_claude_only_when_an_api_key_is_set(settings: Settings) -> None:
    keyed = settings.model_copy(update={"anthropic_api_key": SecretStr("sk-ant-api03-real-looking-key")})

    assert build_runbook_writer(settings) is None
    assert isinstance(build_runbook_writer(keyed), ClaudeRunbookWriter)
