"""Category-level knowledge (categories.yaml): meaning, context cues and technology-neutral checks."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from engine.models import Category


class CategoryKnowledge(BaseModel):
    """What one failure category means and how to confirm it without naming a product."""

    category: Category
    name: str
    description: str
    # Typical reports of this category: the report is compared with each, and the closest counts.
    examples: list[str] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)
    # Weaker than cues: words that describe a symptom of the category rather than point at its cause.
    symptoms: list[str] = Field(default_factory=list)
    # The cause is an action people take (a deploy, a config push, a command): its cues do not count
    # when the writer says the action cannot be done ("we can't deploy", "can't make config changes").
    action: bool = False
    checks: list[str] = Field(min_length=1)
    questions: list[str] = Field(default_factory=list)

    @cached_property
    def compiled_cues(self) -> list[re.Pattern[str]]:
        """Cue regexes, compiled once."""
        return [re.compile(c, re.IGNORECASE) for c in self.cues]

    @cached_property
    def compiled_symptoms(self) -> list[re.Pattern[str]]:
        """Symptom regexes, compiled once."""
        return [re.compile(c, re.IGNORECASE) for c in self.symptoms]

    @property
    def prototypes(self) -> list[str]:
        """The texts a report is compared with: the description, then every example."""
        return [self.description, *self.examples]


def load_categories(path: Path | None = None) -> dict[Category, CategoryKnowledge]:
    """Every category's knowledge, keyed by category; fails loudly if one is missing."""
    source = path or Path(__file__).parent / "categories.yaml"
    entries = [
        CategoryKnowledge.model_validate(e) for e in yaml.safe_load(source.read_text(encoding="utf-8"))
    ]
    known = {e.category: e for e in entries}
    missing = [c.value for c in Category if c is not Category.UNKNOWN and c not in known]
    if missing:
        raise ValueError(f"{source.name} has no entry for: {', '.join(missing)}")
    return known
