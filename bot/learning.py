"""Builds the learning runtime for the worker: outcome figures and case history over the main database."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.settings import Settings
from engine.learning.figures import wilson_interval
from engine.search.embedding import Embedder
from jobs.learning.runtime import LearningRuntime
from storage.case_facts import CaseFactsReader
from storage.case_history import CaseHistoryReader
from storage.db import make_session_factory
from storage.home_items import HomeItemsReader
from storage.known_fixes import KnownFixRepository
from storage.outcomes import OutcomeRepository
from storage.runbook_revisions import RunbookRevisionRepository
from storage.runbook_usage import RunbookUsageReader
from storage.team_stats import TeamStatsReader


def build_learning_runtime(
    db: Engine, embedder: Embedder | None, settings: Settings | None = None
) -> LearningRuntime:
    """Repositories over the main database, the Wilson interval, the runbooks' sentence model,
    and the promotion thresholds from settings (the engine's defaults without)."""
    sessions = make_session_factory(db)
    runtime = LearningRuntime(
        outcomes=OutcomeRepository(sessions, wilson_interval),
        facts=CaseFactsReader(sessions),
        history=CaseHistoryReader(sessions),
        team=TeamStatsReader(sessions),
        known_fixes=KnownFixRepository(sessions),
        home=HomeItemsReader(sessions),
        runbook_usage=RunbookUsageReader(sessions),
        revisions=RunbookRevisionRepository(sessions),
        embedder=embedder,
    )
    if settings is not None:
        runtime.promotion_min_cases = settings.faultmaven_promotion_min_cases
        runtime.promotion_min_success = settings.faultmaven_promotion_min_success
        runtime.stale_days = settings.faultmaven_stale_runbook_days
        runtime.stale_min_success = settings.faultmaven_stale_runbook_min_success
    return runtime
