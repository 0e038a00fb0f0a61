"""Builds the learning runtime for the worker: outcome figures and case history over the main database."""

from __future__ import annotations

from sqlalchemy import Engine

from engine.learning.figures import wilson_interval
from jobs.learning.runtime import LearningRuntime
from storage.case_facts import CaseFactsReader
from storage.db import make_session_factory
from storage.outcomes import OutcomeRepository


def build_learning_runtime(db: Engine) -> LearningRuntime:
    """Repositories over the main database, with the Wilson interval for success rates."""
    sessions = make_session_factory(db)
    return LearningRuntime(
        outcomes=OutcomeRepository(sessions, wilson_interval), facts=CaseFactsReader(sessions)
    )
