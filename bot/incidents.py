"""Incident wiring from Settings: webhook secrets for the web process, the runtime for the worker."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.settings import Settings
from handlers.webhooks import WebhookAuth
from jobs.incidents.pagerduty import PagerDutyClient
from jobs.incidents.runtime import IncidentRuntime
from jobs.queue import JobQueue
from storage.db import make_session_factory
from storage.incidents import IncidentRepository


def webhook_auth(settings: Settings) -> WebhookAuth:
    """What inbound webhooks are checked against."""
    token = settings.alertmanager_token.get_secret_value() if settings.alertmanager_token else None
    return WebhookAuth(pagerduty_secrets=settings.pagerduty_webhook_secrets, alertmanager_token=token)


def build_incident_runtime(settings: Settings, db: Engine, queue: JobQueue) -> IncidentRuntime:
    """The worker's incident runtime: routing, debounce, rate limit and the PagerDuty client."""
    pagerduty = None
    if settings.pagerduty_api_token is not None:
        pagerduty = PagerDutyClient(
            settings.pagerduty_api_token.get_secret_value(),
            settings.pagerduty_api_url,
            from_email=settings.pagerduty_from_email,
        )
    return IncidentRuntime(
        repo=IncidentRepository(make_session_factory(db)),
        queue=queue,
        default_channel=settings.faultmaven_incident_channel,
        routes=settings.incident_routes,
        debounce_seconds=settings.faultmaven_incident_debounce_seconds,
        pagerduty=pagerduty,
    )
