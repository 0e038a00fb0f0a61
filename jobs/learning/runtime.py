"""What the learning jobs need, built once per worker by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.learning.memory import MIN_SIMILARITY, PastCase
from engine.learning.promotion import MIN_CASES, MIN_SUCCESS
from engine.learning.staleness import MIN_SUCCESS as STALE_MIN_SUCCESS
from engine.learning.staleness import STALE_DAYS
from engine.search.embedding import Embedder
from storage.case_facts import CaseFactsReader
from storage.case_history import CaseHistoryReader
from storage.home_items import HomeItemsReader
from storage.known_fixes import KnownFixRepository
from storage.outcomes import OutcomeRepository
from storage.runbook_revisions import RunbookRevisionRepository
from storage.runbook_usage import RunbookUsageReader
from storage.team_stats import TeamStatsReader


@dataclass
class LearningRuntime:
    outcomes: OutcomeRepository
    facts: CaseFactsReader
    history: CaseHistoryReader
    team: TeamStatsReader
    known_fixes: KnownFixRepository
    home: HomeItemsReader
    runbook_usage: RunbookUsageReader
    revisions: RunbookRevisionRepository
    # The sentence model "seen before" compares meanings with; None: memory stays silent.
    embedder: Embedder | None = None
    memory_min_similarity: float = MIN_SIMILARITY
    promotion_min_cases: int = MIN_CASES
    promotion_min_success: float = MIN_SUCCESS
    stale_days: int = STALE_DAYS
    stale_min_success: float = STALE_MIN_SUCCESS
    # Past cases change only when re-resolved, so their vectors are kept for the worker's life.
    _vectors: dict[tuple[int, str], list[float]] = field(default_factory=dict)

    def embeddings(self, past: list[PastCase]) -> list[list[float]] | None:
        """One vector per past case, embedding only the ones not seen before."""
        if self.embedder is None:
            return None
        keys = [(p.case_id, p.document()) for p in past]
        missing = [key for key in keys if key not in self._vectors]
        if missing:
            for key, vector in zip(missing, self.embedder.embed([doc for _id, doc in missing]), strict=True):
                self._vectors[key] = vector
        return [self._vectors[key] for key in keys]
