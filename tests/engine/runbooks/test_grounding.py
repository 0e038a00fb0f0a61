"""A model-written runbook keeps only what the case contained; the rest falls back to the case's words."""

from __future__ import annotations

from typing import Any

from engine.runbooks.drafting import NO_STEPS
from engine.runbooks.grounding import Grounding, ground
from engine.runbooks.writing import render_sections
from engine.runbooks.written import WrittenRunbook
from tests.engine.runbooks.test_drafting import CASE

THREAD = ["kubectl get pods -n shop shows checkout-7d9 in CrashLoopBackOff, Reason: OOMKilled"]
CASE_WITH_THREAD = CASE.model_copy(update={"messages": THREAD})


def written(**overrides: Any) -> WrittenRunbook:
    answer: dict[str, Any] = {
        "title": "Checkout pods OOMKilled after a memory limit change",
        "problem_summary": {
            "symptoms": ["checkout restarts every few minutes", "Users saw 502 errors from the CDN"],
            "affected_systems": ["checkout"],
            "severity": "high",
        },
        "diagnosis_steps": [
            {
                "description": "Listed the checkout pods in CrashLoopBackOff",
                "command": "kubectl get pods -n shop",
            },
            {"description": "Described the pod and saw OOMKilled", "command": "kubectl describe pod"},
            {"description": "Checked etcd cluster health", "command": "etcdctl endpoint health"},
            {"description": "Inspected the kernel ring buffer for hardware faults", "command": ""},
        ],
        "root_cause": "bad memory limit in v42",
        "solution": {
            "fix": [{"description": "Rolled back to v41", "command": ""}],
            "validation": [],
            "rollback": [
                {
                    "description": "Raise the memory limit",
                    "command": "kubectl set resources deploy/checkout --limits=memory=2Gi",
                }
            ],
        },
        "prevention": ["Alert when a memory limit drops in a release"],
    }
    answer.update(overrides)
    return WrittenRunbook.model_validate(answer)


def test_steps_and_commands_not_in_the_case_are_dropped_and_counted() -> None:
    grounded, dropped = ground(written(), CASE_WITH_THREAD)

    commands = [s.command for s in grounded.diagnosis_steps]
    assert commands == ["kubectl get pods -n shop", "kubectl describe pod"]
    assert grounded.problem_summary.symptoms == ["checkout restarts every few minutes"]
    assert grounded.problem_summary.affected_systems == ["checkout"]
    assert [s.description for s in grounded.solution.fix] == ["Rolled back to v41"]
    assert grounded.solution.rollback == [], "an invented command is not kept even with a plausible reason"
    assert grounded.root_cause == "bad memory limit in v42"
    assert dropped == 4


def test_an_invented_root_cause_and_fix_fall_back_to_what_the_resolver_wrote() -> None:
    answer = written(
        root_cause="A kernel regression in the node image",
        solution={"fix": [{"description": "Upgraded the node image to 6.8", "command": "apt upgrade"}]},
        diagnosis_steps=[],
    )

    grounded, dropped = ground(answer, CASE_WITH_THREAD)
    sections = render_sections(grounded, CASE_WITH_THREAD)

    assert dropped == 3  # a symptom, the root cause and the fix
    assert sections.root_cause == "bad memory limit in v42"
    assert sections.solution == "**Fix:**\nrolled back to v41"
    assert sections.diagnosis_steps == NO_STEPS
    assert "apt upgrade" not in sections.model_dump_json()


def test_rendered_sections_number_steps_quote_commands_and_label_prevention_as_suggestions() -> None:
    grounded, _ = ground(written(), CASE_WITH_THREAD)

    sections = render_sections(grounded, CASE_WITH_THREAD)

    assert sections.diagnosis_steps.splitlines()[:2] == [
        "1. Listed the checkout pods in CrashLoopBackOff",
        "   `kubectl get pods -n shop`",
    ]
    assert sections.problem_summary.startswith("- checkout restarts every few minutes")
    assert "From case FM-7, affected: checkout, severity high." in sections.problem_summary
    assert sections.prevention.startswith("_Suggested from the case, not done in it")


def test_commands_match_verbatim_apart_from_case_whitespace_and_a_shell_prompt() -> None:
    g = Grounding(CASE_WITH_THREAD)

    assert g.command_in_case("$ kubectl   describe POD")
    assert not g.command_in_case("kubectl describe pods --all-namespaces")
    assert g.prose_in_case("Saw the pods restarting: OOMKilled")
    assert not g.prose_in_case("Restarted the database primary")
