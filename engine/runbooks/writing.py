"""Draft a runbook from a resolved case: a model writes it when one is available, checked for honesty;
otherwise (or when the model fails) the offline template fills it from the case data."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from engine.models import LlmCall
from engine.runbooks.drafting import NO_STEPS, ResolvedCase, draft_runbook_from_case, split_resolution
from engine.runbooks.grounding import ground
from engine.runbooks.models import RunbookDraft, RunbookSections
from engine.runbooks.written import RunbookWriter, RunbookWritingError, WrittenRunbook, WrittenStep

log = logging.getLogger(__name__)


class DraftOutcome(BaseModel):
    """The draft, who wrote it, a note for the reviewer, and the LLM calls it took."""

    draft: RunbookDraft
    engine: str = "template"
    note: str | None = None
    calls: list[LlmCall] = Field(default_factory=list)


def _steps(steps: list[WrittenStep], numbered: bool = True) -> list[str]:
    lines = []
    for n, step in enumerate(steps, start=1):
        lines.append(f"{n}. {step.description}" if numbered else f"- {step.description}")
        if step.command:
            lines.append(f"   `{step.command}`")
    return lines


def render_sections(written: WrittenRunbook, case: ResolvedCase) -> RunbookSections:
    """The written runbook as the five markdown sections, falling back to the case's own words."""
    recorded_cause, recorded_fix = split_resolution(case.resolution)
    problem = written.problem_summary
    summary = [f"- {s}" for s in problem.symptoms] or [case.description.strip() or case.title]
    meta = [f"From case {case.case_ref}"]
    if problem.affected_systems:
        meta.append("affected: " + ", ".join(problem.affected_systems))
    if case.severity:
        meta.append(f"severity {case.severity}")
    summary.append("\n" + ", ".join(meta) + ".")
    solution = written.solution
    fix = _steps(solution.fix) or [recorded_fix]
    parts = ["**Fix:**", *fix]
    if solution.validation:
        parts += ["\n**Validation:**", *_steps(solution.validation, numbered=False)]
    if solution.rollback:
        parts += ["\n**Rollback:**", *_steps(solution.rollback, numbered=False)]
    prevention = (
        "_Suggested from the case, not done in it; confirm or replace:_\n"
        + "\n".join(f"- {idea}" for idea in written.prevention)
        if written.prevention
        else "_Not recorded in the case: add what would stop this happening again._"
    )
    return RunbookSections(
        problem_summary="\n".join(summary),
        diagnosis_steps="\n".join(_steps(written.diagnosis_steps)) or NO_STEPS,
        root_cause=written.root_cause or recorded_cause,
        solution="\n".join(parts),
        prevention=prevention,
    )


def draft_runbook(case: ResolvedCase, author: str, writer: RunbookWriter | None = None) -> DraftOutcome:
    """Ask the writer (if any), keep only what the case contained; any failure → the template draft."""
    template = draft_runbook_from_case(case, author)
    if writer is None:
        return DraftOutcome(draft=template)
    try:
        written = writer.write(case)
    except RunbookWritingError as error:
        log.warning("runbook writer failed", extra={"case": case.case_ref, "error": str(error)})
        return DraftOutcome(
            draft=template,
            note=f"{writer.name} could not draft this runbook ({error}); it was filled from the case data.",
            calls=error.calls,
        )
    grounded, dropped = ground(written.runbook, case)
    draft = template.model_copy(
        update={"title": grounded.title.strip()[:200], "sections": render_sections(grounded, case)}
    )
    note = f"Drafted by {writer.name} ({written.model}) from this case only."
    if dropped:
        note += f" Removed {dropped} item(s) the case did not contain."
    return DraftOutcome(draft=draft, engine=writer.name, note=note, calls=written.calls)
