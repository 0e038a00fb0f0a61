"""What the learning jobs need, built once per worker by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from storage.case_facts import CaseFactsReader
from storage.outcomes import OutcomeRepository


@dataclass
class LearningRuntime:
    outcomes: OutcomeRepository
    facts: CaseFactsReader
