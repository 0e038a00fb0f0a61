"""The long-lived objects a process needs, built from Settings in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis import Redis
from sqlalchemy import Engine

from bot.incidents import webhook_auth
from bot.settings import Settings
from handlers.inbound import SlackRequestAuth
from handlers.webhooks import WebhookAuth
from jobs.cases.intake import Intake
from jobs.incidents.intake import IncidentIntake
from jobs.queue import JobQueue, redis_connection
from storage.cases import CaseRepository
from storage.db import make_engine, make_session_factory
from storage.incidents import IncidentRepository


@dataclass
class Services:
    db: Engine
    cases: CaseRepository
    redis: Redis
    queue: JobQueue
    intake: Intake
    incidents: IncidentIntake | None = None
    webhook_auth: WebhookAuth = field(default_factory=WebhookAuth)
    # None: no signing secret, so every request to /slack/events is refused.
    slack_auth: SlackRequestAuth | None = None
    max_request_bytes: int = 1024 * 1024


def build_services(settings: Settings) -> Services:
    """Connect to SQL and Redis (lazily: nothing is contacted until first use)."""
    db = make_engine(settings.resolved_database_url)
    cases = CaseRepository(make_session_factory(db), settings.faultmaven_job_lease_seconds)
    redis = redis_connection(settings.resolved_redis_url)
    queue = JobQueue(redis)
    services = Services(db=db, cases=cases, redis=redis, queue=queue, intake=Intake(cases, queue))
    services.incidents = IncidentIntake(IncidentRepository(make_session_factory(db)), queue)
    services.webhook_auth = webhook_auth(settings)
    services.max_request_bytes = settings.faultmaven_max_request_bytes
    if settings.slack_signing_secret is not None:
        services.slack_auth = SlackRequestAuth(
            settings.slack_signing_secret, settings.faultmaven_max_request_bytes
        )
    return services
