"""Claude drafts runbooks through a forced tool, with the real anthropic client and a fake Messages API."""

from __future__ import annotations

import json
from typing import Any

from engine.llm.caller import ModelCaller
from engine.llm.runbook_writer import RUNBOOK_TOOL, ClaudeRunbookWriter
from engine.runbooks.writing import DraftOutcome, draft_runbook
from tests.engine.runbooks.test_drafting import CASE
from tests.engine.runbooks.test_grounding import THREAD
from tests.fakes.anthropic_api import FakeMessagesApi

STRONG = "claude-sonnet-4-6"
SECRET_LINE = "DATABASE_URL=postgres://app:hunter2hunter2@db:5432/shop"
CASE_FOR_CLAUDE = CASE.model_copy(update={"messages": [*THREAD, SECRET_LINE]})


def runbook_answer(**overrides: Any) -> dict[str, Any]:
    """A valid `record_runbook` tool input, grounded in CASE except where a test overrides it."""
    answer: dict[str, Any] = {
        "title": "Checkout pods OOMKilled after the v42 memory limit",
        "problem_summary": {
            "symptoms": ["checkout restarts every few minutes"],
            "affected_systems": ["checkout"],
        },
        "diagnosis_steps": [
            {"description": "Described the pod and saw OOMKilled", "command": "kubectl describe pod"},
            {"description": "Checked etcd cluster health", "command": "etcdctl endpoint health"},
        ],
        "root_cause": "bad memory limit in v42",
        "solution": {"fix": [{"description": "Rolled back to v41"}]},
        "prevention": ["Alert when a release lowers a memory limit"],
    }
    answer.update(overrides)
    return answer


def draft_with(api: FakeMessagesApi) -> DraftOutcome:
    caller = ModelCaller(api.client(max_retries=0), max_tokens=4096, tool=RUNBOOK_TOOL)
    return draft_runbook(CASE_FOR_CLAUDE, "W111", ClaudeRunbookWriter(caller, STRONG))


def test_request_forces_the_five_section_tool_and_sends_only_redacted_case_data() -> None:
    api = FakeMessagesApi()
    api.answer_with(runbook_answer())

    draft_with(api)

    [request] = api.requests
    assert request["tool_choice"] == {"type": "tool", "name": "record_runbook"}
    schema = request["tools"][0]["input_schema"]
    assert set(schema["properties"]) == {
        "title",
        "problem_summary",
        "diagnosis_steps",
        "root_cause",
        "solution",
        "prevention",
    }
    assert set(schema["properties"]["solution"]["properties"]) == {"fix", "validation", "rollback"}
    assert "Never add diagnosis steps, commands" in request["system"][0]["text"]
    sent = json.dumps(request["messages"])
    assert "OOMKilled" in sent and "rolled back to v41" in sent
    assert "hunter2hunter2" not in sent and "[REDACTED:password]" in sent


def test_claude_draft_keeps_case_steps_drops_invented_ones_and_says_so() -> None:
    api = FakeMessagesApi()
    api.answer_with(runbook_answer())

    outcome = draft_with(api)

    assert outcome.engine == "Claude" and outcome.draft.title.startswith("Checkout pods OOMKilled after")
    steps = outcome.draft.sections.diagnosis_steps
    assert "kubectl describe pod" in steps and "etcdctl" not in steps
    assert outcome.note == (
        "Drafted by Claude (claude-sonnet-4-6) from this case only. "
        "Removed 1 item(s) the case did not contain."
    )
    assert outcome.draft.status.value == "pending_review" and outcome.draft.author == "W111"
    [call] = outcome.calls
    assert (call.purpose, call.outcome, call.model) == ("runbook_draft", "ok", STRONG)


def test_a_malformed_answer_twice_falls_back_to_the_template_with_a_note() -> None:
    api = FakeMessagesApi()
    api.answer_with({"title": "Checkout"})
    api.answer_with(runbook_answer(solution={"fix": []}))

    outcome = draft_with(api)

    assert outcome.engine == "template"
    assert outcome.note is not None and outcome.note.startswith("Claude could not draft this runbook")
    assert "filled from the case data" in outcome.note
    assert outcome.draft.title == CASE.title and "Consider: memory limit too low" in (
        outcome.draft.sections.diagnosis_steps
    )
    assert [c.outcome for c in outcome.calls] == ["malformed", "malformed"]
    retry = api.requests[1]["messages"][-1]["content"][0]
    assert retry["type"] == "tool_result" and "call record_runbook again" in retry["content"]


def test_an_api_outage_falls_back_to_the_template_with_a_note() -> None:
    api = FakeMessagesApi()
    api.fail_with(529)

    outcome = draft_with(api)

    assert outcome.engine == "template" and outcome.draft.sections.root_cause == "bad memory limit in v42"
    assert outcome.note is not None and "HTTP 529" in outcome.note
    assert [c.outcome for c in outcome.calls] == ["error"]


def test_without_a_writer_the_template_drafts_with_no_note() -> None:
    outcome = draft_runbook(CASE, "W111")

    assert (outcome.engine, outcome.note, outcome.calls) == ("template", None, [])
