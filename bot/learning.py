"""Builds the learning runtime for the worker: outcome figures and case history over the main database."""

from __future__ import annotations

from sqlalchemy import Engine

from engine.learning.figures import wilson_interval
from engine.search.embedding import Embedder
from jobs.learning.runtime import LearningRuntime
from storage.case_facts import CaseFactsReader
from storage.case_history import CaseHistoryReader
from storage.db import make_session_factory
from storage.outcomes import OutcomeRepository
from storage.team_stats import TeamStatsReader


def build_learning_runtime(db: Engine, embedder: Embedder | None) -> LearningRuntime:
    """Repositories over the main database, the Wilson interval, and the runbooks' sentence model."""
    sessions = make_session_factory(db)
    return LearningRuntime(
        outcomes=OutcomeRepository(sessions, wilson_interval),
        facts=CaseFactsReader(sessions),
        history=CaseHistoryReader(sessions),
        team=TeamStatsReader(sessions),
        embedder=embedder,
    )
