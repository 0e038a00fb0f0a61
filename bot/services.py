"""The long-lived objects a process needs, built from Settings in one place."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine

from bot.settings import Settings
from jobs.intake import Intake
from jobs.queue import JobQueue, redis_connection
from storage.cases import CaseRepository
from storage.db import make_engine, make_session_factory


@dataclass
class Services:
    db: Engine
    cases: CaseRepository
    redis: Redis
    queue: JobQueue
    intake: Intake


def build_services(settings: Settings) -> Services:
    """Connect to SQL and Redis (lazily: nothing is contacted until first use)."""
    db = make_engine(settings.resolved_database_url)
    cases = CaseRepository(make_session_factory(db))
    redis = redis_connection(settings.resolved_redis_url)
    queue = JobQueue(redis)
    return Services(db=db, cases=cases, redis=redis, queue=queue, intake=Intake(cases, queue))
