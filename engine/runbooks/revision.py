"""v2 of a runbook that failed on a case: the parent's sections plus what the failure and the fix taught.

A model revises it when one is configured (engine/llm/runbook_reviser.py), checked for honesty like
any drafted runbook; otherwise, or when the model fails, the offline template below does. The diff
against the parent is what a reviewer reads first.
"""

from __future__ import annotations

import difflib
import logging
import re
from typing import Protocol

from pydantic import BaseModel, Field

from engine.errors import EngineUnavailableError
from engine.learning.runbook_failures import FailureKind, FailureVerdict, RunbookFailure, classify_failure
from engine.models import LlmCall
from engine.runbooks.drafting import split_resolution
from engine.runbooks.models import (
    SECTION_TITLES,
    Runbook,
    RunbookDraft,
    RunbookSections,
    RunbookSource,
    RunbookStatus,
)

log = logging.getLogger(__name__)


class Revision(BaseModel):
    """A model's answer: why the runbook failed and, when improvable, the revised sections."""

    verdict: FailureVerdict
    sections: RunbookSections | None = None
    model: str = ""
    calls: list[LlmCall] = Field(default_factory=list)


class RevisionError(EngineUnavailableError):
    """A reviser could not answer; carries the calls made, so their cost is recorded."""

    def __init__(self, message: str, calls: list[LlmCall] | None = None) -> None:
        super().__init__(message)
        self.calls: list[LlmCall] = calls or []


class RunbookReviser(Protocol):
    """Anything that classifies a runbook failure and revises the runbook (Claude in the worker)."""

    name: str

    def revise(self, parent: Runbook, failure: RunbookFailure) -> Revision:
        """Return the verdict (and sections when improvable), or raise RevisionError."""
        ...


class RevisionOutcome(BaseModel):
    verdict: FailureVerdict
    draft: RunbookDraft | None = None  # None: the failure is not one a better runbook prevents
    engine: str = "template"
    note: str | None = None
    calls: list[LlmCall] = Field(default_factory=list)


def _template_sections(parent: Runbook, failure: RunbookFailure, verdict: FailureVerdict) -> RunbookSections:
    """The parent's sections with the failure and the eventual fix added where a responder looks."""
    s = parent.sections
    cause, fix = split_resolution(failure.stated_fix)
    seen = f"_Added from {failure.case_ref}, where {parent.ref} v{parent.version} failed ({verdict.label})._"
    evidence = "\n".join(f"> {quote}" for quote in verdict.evidence if quote and quote != failure.stated_fix)
    steps = s.diagnosis_steps.rstrip()
    if verdict.kind is FailureKind.PERMISSION_DENIED:
        steps += f"\n\n**Before you start:** check you have the access these steps need. {seen}"
        steps += f"\n{evidence}"
    elif verdict.kind is FailureKind.ENVIRONMENT_DIFFERENCE:
        steps += f"\n\n**Check your environment first:** the steps below did not fit as written. {seen}"
        steps += f"\n{evidence}"
    else:
        steps += f"\n\n**If the steps above find nothing:** check for the cause found in {failure.case_ref}: "
        steps += cause
    root_cause = s.root_cause.rstrip() + f"\n\n**Also seen ({failure.case_ref}):** {cause}"
    solution = s.solution.rstrip() + f"\n\n### If the fix above does not work\n{seen}\n{fix}"
    return RunbookSections(
        problem_summary=s.problem_summary,
        diagnosis_steps=steps.strip(),
        root_cause=root_cause.strip(),
        solution=solution.strip(),
        prevention=s.prevention,
    )


def revised_draft(
    parent: Runbook, sections: RunbookSections, failure: RunbookFailure, author: str
) -> RunbookDraft:
    """v2 as a draft awaiting review: the parent's labels, a path of its own."""
    return RunbookDraft(
        title=parent.title,
        sections=sections,
        services=parent.services,
        categories=parent.categories,
        tags=list(dict.fromkeys([*parent.tags, "revised"])),
        severity=parent.severity,
        source=RunbookSource.GENERATED,
        source_path=f"revisions/{parent.ref}/v{parent.version + 1}-{failure.case_ref}",
        status=RunbookStatus.PENDING_REVIEW,
        author=author,
        extra=parent.extra,
    )


def revise_runbook(
    parent: Runbook, failure: RunbookFailure, author: str, reviser: RunbookReviser | None = None
) -> RevisionOutcome:
    """Classify the failure and, for the improvable kinds, draft v2 (model first, template otherwise)."""
    offline = classify_failure(failure)
    if reviser is not None:
        try:
            revision = reviser.revise(parent, failure)
        except RevisionError as error:
            log.warning("runbook reviser failed", extra={"runbook": parent.ref, "error": str(error)})
            note = f"{reviser.name} could not revise {parent.ref} ({error}); the rules and the template did."
            return _offline(parent, failure, author, offline, note, error.calls)
        verdict = revision.verdict.model_copy(update={"engine": reviser.name})
        if not verdict.improvable:
            return RevisionOutcome(verdict=verdict, engine=reviser.name, calls=revision.calls)
        sections = revision.sections or _template_sections(parent, failure, verdict)
        note = f"Revised by {reviser.name} ({revision.model}) from {failure.case_ref} and {parent.ref}."
        unseen = unseen_commands(sections, parent, failure)
        if unseen:
            note += " Check these commands, found in neither the parent nor the case: " + ", ".join(unseen)
        return RevisionOutcome(
            verdict=verdict,
            draft=revised_draft(parent, sections, failure, author),
            engine=reviser.name,
            note=note,
            calls=revision.calls,
        )
    return _offline(parent, failure, author, offline, None, [])


def _offline(
    parent: Runbook,
    failure: RunbookFailure,
    author: str,
    verdict: FailureVerdict,
    note: str | None,
    calls: list[LlmCall],
) -> RevisionOutcome:
    if not verdict.improvable:
        return RevisionOutcome(verdict=verdict, note=note, calls=calls)
    draft = revised_draft(parent, _template_sections(parent, failure, verdict), failure, author)
    return RevisionOutcome(verdict=verdict, draft=draft, note=note, calls=calls)


_CODE = re.compile(r"`([^`\n]{2,200})`")


def unseen_commands(sections: RunbookSections, parent: Runbook, failure: RunbookFailure) -> list[str]:
    """Inline commands in a model's revision that neither the parent runbook nor the case contains."""
    known = "\n".join(
        [
            *sections_text(parent.sections),
            *failure.messages,
            failure.stated_fix,
            *(f"{e.title} {e.command}" for e in failure.executions),
        ]
    )
    found = dict.fromkeys(m.group(1).strip() for m in _CODE.finditer("\n".join(sections_text(sections))))
    return [command for command in found if command and command not in known][:5]


def sections_text(sections: RunbookSections) -> list[str]:
    """The runbook as markdown lines, section by section (what the diff compares)."""
    lines: list[str] = []
    for name, heading in SECTION_TITLES.items():
        body = getattr(sections, name).strip()
        if body:
            lines += [f"## {heading}", *body.splitlines()]
    return lines


def unified_diff(parent: RunbookSections, child: RunbookSections, context: int = 1) -> list[str]:
    """The child's changes against the parent as unified-diff lines (no file header)."""
    diff = difflib.unified_diff(sections_text(parent), sections_text(child), lineterm="", n=context)
    return [line for line in diff if not line.startswith(("---", "+++"))]
