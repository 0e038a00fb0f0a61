"""Offline runbook drafting: a structured template fill from what a resolved case actually recorded.

Nothing here invents steps: every diagnosis step, root cause, fix and rollback comes from the case.
Only Prevention is suggested, and it says so.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from engine.models import Category, Diagnosis
from engine.runbooks.models import RunbookDraft, RunbookSections, RunbookSource, RunbookStatus

# Generic starting points per category, shown as suggestions for the reviewer to confirm or replace.
PREVENTION_HINTS: dict[Category, list[str]] = {
    Category.RESOURCE_EXHAUSTION: ["Alert before the resource runs out", "Review limits and retention"],
    Category.CONFIG_CHANGE: ["Review and stage config changes", "Keep a tested rollback for config"],
    Category.DEPLOYMENT_BUG: ["Add a test that catches this regression", "Canary the rollout"],
    Category.DATABASE: [
        "Alert on the database metric that moved first",
        "Review connection and query limits",
    ],
    Category.NETWORK_DNS: ["Monitor resolution and reachability of this dependency"],
    Category.CERTIFICATE_EXPIRY: ["Automate renewal", "Alert well before expiry"],
    Category.DEPENDENCY_OUTAGE: ["Add timeouts and a fallback for this dependency"],
    Category.CAPACITY_OVERLOAD: ["Load-test to the observed peak", "Alert on saturation"],
    Category.DATA_CORRUPTION: ["Validate data at the boundary where it broke", "Check backups restore"],
    Category.HARDWARE_FAILURE: ["Check redundancy for the failed component"],
    Category.TIME_OR_LEAP_SECOND: ["Monitor clock sync"],
    Category.HUMAN_ERROR_OPERATIONS: ["Add a guard or checklist for the manual step"],
    Category.SECURITY_INCIDENT: ["Hold a security review of the entry point"],
}
NO_STEPS = "_The case recorded no diagnosis steps._"


class ResolvedCase(BaseModel):
    """What drafting may read about a resolved case."""

    case_ref: str
    title: str
    description: str
    service: str | None = None
    severity: str | None = None
    resolution: str
    resolved_by: str
    diagnosis: Diagnosis | None = None
    # What people wrote in the case thread, oldest first (evidence a model-written draft may use).
    messages: list[str] = Field(default_factory=list)


def split_resolution(summary: str) -> tuple[str, str]:
    """'root cause: X; fix: Y' → (X, Y); anything else is both the root cause and the fix."""
    match = re.search(r"root cause:\s*(.+?)[;.]?\s*fix:\s*(.+)", summary, flags=re.IGNORECASE | re.DOTALL)
    if match:
        return match.group(1).strip().rstrip(";,."), match.group(2).strip()
    return summary.strip(), summary.strip()


def _problem_summary(case: ResolvedCase) -> str:
    lines = [case.description.strip() or case.title]
    meta = [f"From case {case.case_ref}"]
    if case.service:
        meta.append(f"service {case.service}")
    if case.severity:
        meta.append(f"severity {case.severity}")
    lines.append("\n" + ", ".join(meta) + ".")
    hypotheses = case.diagnosis.hypotheses if case.diagnosis else []
    symptoms = [o.quote for h in hypotheses for o in h.observed]
    if symptoms:
        lines.append("\n**Symptoms seen in the case:**")
        lines.extend(f"- {s}" for s in dict.fromkeys(symptoms))
    return "\n".join(lines)


def _diagnosis_steps(diagnosis: Diagnosis | None) -> str:
    if diagnosis is None or not diagnosis.hypotheses:
        return NO_STEPS
    lines = []
    for n, hypothesis in enumerate(diagnosis.hypotheses, start=1):
        lines.append(f"{n}. Consider: {hypothesis.cause} ({hypothesis.confidence:.0%} in the diagnosis)")
        lines.extend(f"   - Check: {check}" for check in hypothesis.checks)
    return "\n".join(lines)


def _solution(fix: str, diagnosis: Diagnosis | None) -> str:
    lines = [fix]
    rollbacks = [a for a in (diagnosis.recommended_actions if diagnosis else []) if a.rollback]
    if rollbacks:
        lines.append("\n**Rollback:**")
        lines.extend(f"- {a.title}: {a.rollback}" for a in rollbacks)
    return "\n".join(lines)


def _prevention(category: Category) -> str:
    hints = PREVENTION_HINTS.get(category, [])
    if not hints:
        return "_Not recorded in the case: add what would stop this happening again._"
    return "_Suggested from the category, not from the case; confirm or replace:_\n" + "\n".join(
        f"- {hint}" for hint in hints
    )


def draft_runbook_from_case(case: ResolvedCase, author: str) -> RunbookDraft:
    """A pending-review runbook built only from the case's report, diagnosis and resolution."""
    root_cause, fix = split_resolution(case.resolution)
    category = case.diagnosis.category if case.diagnosis else Category.UNKNOWN
    return RunbookDraft(
        title=case.title.strip()[:200] or f"Runbook from {case.case_ref}",
        sections=RunbookSections(
            problem_summary=_problem_summary(case),
            diagnosis_steps=_diagnosis_steps(case.diagnosis),
            root_cause=root_cause,
            solution=_solution(fix, case.diagnosis),
            prevention=_prevention(category),
        ),
        services=[case.service] if case.service else [],
        categories=[] if category is Category.UNKNOWN else [category.value],
        tags=["generated", case.case_ref.lower()],
        severity=case.severity,
        source=RunbookSource.GENERATED,
        source_path=f"cases/{case.case_ref}",
        status=RunbookStatus.PENDING_REVIEW,
        author=author,
    )
