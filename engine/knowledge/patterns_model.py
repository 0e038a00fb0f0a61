"""The schema of one failure pattern file, validated on load."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from engine.models import Category, RiskLevel, Severity

# YAML reads `502` or `true` as non-strings; in word lists they are words.
Word = Annotated[str, BeforeValidator(lambda v: str(v).lower() if isinstance(v, bool) else str(v))]


class PatternHypothesis(BaseModel):
    cause: str
    prior: float = Field(ge=0.0, le=1.0)
    evidence_for: list[str] = Field(default_factory=list)
    evidence_against: list[str] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)


class PatternAction(BaseModel):
    title: str
    command: str = ""
    target: str = ""
    risk: RiskLevel
    rollback: str = ""


class FailurePattern(BaseModel):
    id: str
    title: str
    category: Category
    stacks: list[Word]
    severity: Severity
    description: str
    keywords: list[Word]
    log_signals: list[str] = Field(default_factory=list)
    hypotheses: list[PatternHypothesis] = Field(min_length=1)
    actions: list[PatternAction] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    runbook_tags: list[Word] = Field(default_factory=list)

    @cached_property
    def compiled_signals(self) -> list[re.Pattern[str]]:
        """Log-signal regexes, compiled once."""
        return [re.compile(s, re.IGNORECASE) for s in self.log_signals]


def default_patterns_dir() -> Path:
    """Where the shipped pattern files live."""
    return Path(__file__).parent / "patterns"


def load_patterns(directory: Path | None = None) -> list[FailurePattern]:
    """Load and validate every `*.yaml` pattern in a folder, sorted by id."""
    folder = directory or default_patterns_dir()
    patterns = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            pattern = FailurePattern.model_validate(data)
        except ValidationError as error:
            raise ValueError(f"failure pattern {path.name} is invalid:\n{error}") from error
        if pattern.id != path.stem:
            raise ValueError(f"{path.name}: id {pattern.id!r} does not match the file name")
        patterns.append(pattern)
    return patterns
