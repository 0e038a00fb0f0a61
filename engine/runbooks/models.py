"""The runbook as the rest of the product sees it: id, version, status, five sections, counters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from engine.record_ids import parse_record_ref


class RunbookStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    ARCHIVED = "archived"
    # Replaced by a reviewed next version: kept for history, never searched.
    RETIRED = "retired"


class RunbookSource(StrEnum):
    LIBRARY = "library"
    IMPORTED = "imported"
    GENERATED = "generated"
    EDITED = "edited"


class RunbookSections(BaseModel):
    """The five sections every runbook has (any may be empty for imported text)."""

    problem_summary: str = ""
    diagnosis_steps: str = ""
    root_cause: str = ""
    solution: str = ""
    prevention: str = ""


SECTION_TITLES: dict[str, str] = {
    "problem_summary": "Problem summary",
    "diagnosis_steps": "Diagnosis steps",
    "root_cause": "Root cause",
    "solution": "Solution",
    "prevention": "Prevention",
}


class RunbookDraft(BaseModel):
    """A runbook before it has an id: what import and generation produce."""

    title: str
    sections: RunbookSections = Field(default_factory=RunbookSections)
    services: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    severity: str | None = None
    source: RunbookSource = RunbookSource.IMPORTED
    source_path: str | None = None
    status: RunbookStatus = RunbookStatus.ACTIVE
    author: str | None = None
    # Text that matched no known section is kept, so nothing imported is lost.
    extra: str = ""

    def search_text(self) -> str:
        """What search indexes: title, labels and every section."""
        s = self.sections
        labels = " ".join([*self.services, *self.categories, *self.tags])
        return "\n".join(
            part
            for part in (
                self.title,
                labels,
                s.problem_summary,
                s.diagnosis_steps,
                s.root_cause,
                s.solution,
                s.prevention,
                self.extra,
            )
            if part
        )


class Runbook(RunbookDraft):
    """A stored runbook."""

    id: int
    version: int = 1
    parent_id: int | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    edited_by: str | None = None
    case_ref: str | None = None
    times_suggested: int = 0
    times_used: int = 0
    times_worked: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def ref(self) -> str:
        """The id people say out loud: RB-0042."""
        return f"RB-{self.id:04d}"

    @property
    def effectiveness(self) -> float | None:
        """Share of recorded uses that worked, or None before any feedback."""
        return self.times_worked / self.times_used if self.times_used else None


def parse_ref(text: str) -> int | None:
    """`RB-0042`, `rb-42` or `42` → 42; anything else (including an id out of range) → None."""
    return parse_record_ref(text, "RB")
