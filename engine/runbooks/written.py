"""A runbook as a model writes it (the forced tool's input schema), and the port any writer implements."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from engine.errors import EngineUnavailableError
from engine.models import LlmCall
from engine.runbooks.drafting import ResolvedCase


class WrittenStep(BaseModel):
    """One step, with its command kept apart from the prose so it can be checked against the case."""

    description: str = Field(
        min_length=1, max_length=500, description="What was done or checked and why, as the case shows it."
    )
    command: str = Field(
        default="",
        max_length=500,
        description="The exact command as it appears in the case data, copied verbatim; empty if none.",
    )


class WrittenProblem(BaseModel):
    """Problem summary: symptoms, affected systems, severity."""

    symptoms: list[str] = Field(
        min_length=1, max_length=8, description="Symptoms observed in the case, one per item."
    )
    affected_systems: list[str] = Field(default_factory=list, max_length=8)
    severity: str = Field(default="", max_length=20, description="Severity as recorded in the case.")


class WrittenSolution(BaseModel):
    """Solution: the fix applied, how it was validated, how to roll it back."""

    fix: list[WrittenStep] = Field(min_length=1, max_length=10, description="The fix the case confirmed.")
    validation: list[WrittenStep] = Field(
        default_factory=list, max_length=6, description="How the case showed the fix worked; empty if not."
    )
    rollback: list[WrittenStep] = Field(
        default_factory=list, max_length=6, description="How to undo the fix, only if the case says."
    )


class WrittenRunbook(BaseModel):
    """The five sections, filled from one resolved case and nothing else."""

    title: str = Field(min_length=3, max_length=150, description="A short title naming the failure.")
    problem_summary: WrittenProblem
    diagnosis_steps: list[WrittenStep] = Field(
        default_factory=list,
        max_length=12,
        description="Only checks the case data contains, in order; empty if the case recorded none.",
    )
    root_cause: str = Field(min_length=1, max_length=1500, description="The confirmed root cause.")
    solution: WrittenSolution
    prevention: list[str] = Field(
        default_factory=list,
        max_length=6,
        description="Ideas to stop a recurrence; they are shown as suggestions for the reviewer.",
    )


class Written(BaseModel):
    """A writer's answer: the runbook, the model that wrote it and what the calls cost."""

    runbook: WrittenRunbook
    model: str
    calls: list[LlmCall] = Field(default_factory=list)


class RunbookWritingError(EngineUnavailableError):
    """A writer could not produce a valid runbook; carries the calls made, so their cost is recorded."""

    def __init__(self, message: str, calls: list[LlmCall] | None = None) -> None:
        super().__init__(message)
        self.calls: list[LlmCall] = calls or []


class RunbookWriter(Protocol):
    """Anything that writes a runbook from a resolved case (Claude in the worker; fakes never needed)."""

    name: str

    def write(self, case: ResolvedCase) -> Written:
        """Return the written runbook, or raise RunbookWritingError."""
        ...
