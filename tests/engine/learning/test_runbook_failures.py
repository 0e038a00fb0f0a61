"""Why a runbook failed, from what the case recorded: each of the six kinds, and which get a v2."""

from __future__ import annotations

import pytest

from engine.learning.runbook_failures import (
    ExecutedStep,
    FailureKind,
    RunbookFailure,
    classify_failure,
    runbooks_behind,
)
from engine.runbooks.models import Runbook, RunbookSections
from engine.runbooks.revision import revise_runbook, unified_diff

RUNBOOK_TEXT = (
    "Redis rejects writes OOM maxmemory eviction policy keys without TTL big keys client output buffers"
)


def failure(fix: str, messages: list[str] | None = None, **extra: object) -> RunbookFailure:
    return RunbookFailure(
        case_ref="FM-7",
        runbook_ref="RB-0004",
        runbook_text=RUNBOOK_TEXT,
        messages=messages or [],
        stated_fix=fix,
        failed_votes=1,
        diagnosis_text="Redis memory exhausted\nrestart the payments worker pool",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        (
            failure("raised the limit", ["CONFIG SET failed: permission denied for user ops"]),
            FailureKind.PERMISSION_DENIED,
        ),
        (failure("waited for the provider outage to end"), FailureKind.EXTERNAL_DEPENDENCY),
        (
            failure("used the console", ["redis-cli: command not found on the bastion"]),
            FailureKind.ENVIRONMENT_DIFFERENCE,
        ),
        (
            failure("set client output buffers limit for replicas and evicted big keys"),
            FailureKind.RUNBOOK_INSUFFICIENT,
        ),
        (failure("restarted the payments worker pool"), FailureKind.WRONG_RUNBOOK),
        (failure("rotated the TLS certificate on the load balancer"), FailureKind.WRONG_DIAGNOSIS),
        (
            failure(
                "fixed it by hand",
                executions=[ExecutedStep(title="flush", command="x", ok=False, verified=None)],
                messages=["that was the wrong runbook"],
            ),
            FailureKind.WRONG_RUNBOOK,
        ),
    ],
)
def test_each_kind_is_recognised_from_the_case(case: RunbookFailure, kind: FailureKind) -> None:
    verdict = classify_failure(case)
    assert verdict.kind is kind and verdict.reason and verdict.evidence


def test_a_failed_execution_is_evidence_too() -> None:
    case = failure(
        "did it another way",
        executions=[ExecutedStep(title="Raise maxmemory", command="kubectl exec … Forbidden", ok=False)],
    )
    verdict = classify_failure(case)
    assert verdict.kind is FailureKind.PERMISSION_DENIED and "Forbidden" in verdict.evidence[0]


def test_only_improvable_kinds_get_a_v2_built_on_the_parent() -> None:
    parent = Runbook(
        id=4,
        title="Redis OOM",
        sections=RunbookSections(root_cause="Keys without TTL", solution="Enable eviction"),
    )
    improvable = revise_runbook(
        parent, failure("root cause: replica buffers; fix: set client output buffer limit"), "U0FM"
    )
    assert improvable.verdict.kind is FailureKind.RUNBOOK_INSUFFICIENT and improvable.draft is not None
    diff = unified_diff(parent.sections, improvable.draft.sections)
    assert "+**Also seen (FM-7):** replica buffers" in diff and "+set client output buffer limit" in diff
    assert not [line for line in diff if line.startswith("-")], "v2 keeps everything v1 said"
    assert improvable.draft.source_path == "revisions/RB-0004/v2-FM-7"
    unimprovable = revise_runbook(parent, failure("rotated the TLS certificate"), "U0FM")
    assert unimprovable.verdict.kind is FailureKind.WRONG_DIAGNOSIS and unimprovable.draft is None


def test_a_failed_command_is_tied_to_the_runbook_line_it_came_from_not_to_others() -> None:
    runbooks = {
        4: "Fix\n1. redis-cli -h <host> CONFIG SET maxmemory-policy allkeys-lru\n2. Watch evicted_keys",
        9: "Fix\n1. kubectl rollout undo deployment/<name>",
    }
    assert runbooks_behind(["redis-cli -h cache-01 CONFIG SET maxmemory-policy allkeys-lru"], runbooks) == [4]
    assert runbooks_behind(["kubectl rollout undo deployment/checkout"], runbooks) == [9]
    assert runbooks_behind(["uptime", "systemctl restart nginx"], runbooks) == [], (
        "too short, or from neither"
    )
