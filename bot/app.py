"""`create_app`: the Bolt app with every handler registered. The only place handlers are wired."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.services import Services
from bot.settings import Settings
from handlers import (
    actions,
    approvals,
    commands,
    events,
    home,
    known_fixes,
    outcome_questions,
    runbook_feedback,
    views,
)
from jobs.action_requests import ActionRequests
from jobs.audit_trail import AuditRequests
from jobs.learning.requests import LearningRequests
from jobs.runbook_requests import RunbookRequests
from jobs.slack import make_web_client
from storage.actions import ActionRepository
from storage.db import make_session_factory
from storage.runbooks import RunbookRepository

log = logging.getLogger(__name__)


def create_app(settings: Settings, services: Services) -> App:
    """A Bolt app for HTTP or Socket Mode; requires Slack settings."""
    settings.require_slack()
    assert settings.slack_bot_token is not None and settings.slack_signing_secret is not None
    client = make_web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Thin handlers ack in well under a millisecond; this avoids Bolt's ~10 ms ack polling.
        process_before_response=True,
    )
    runbooks = RunbookRequests(services.queue, RunbookRepository(make_session_factory(services.db)))
    audits = AuditRequests(services.cases, services.queue)
    learning = LearningRequests(services.queue)
    commands.register(
        app, services.intake, settings.slack_command, runbooks, audits=audits, learning=learning
    )
    actions.register(app, runbooks)
    known_fixes.register(app, learning)
    home.register(app, learning)
    outcome_questions.register(app, learning)
    runbook_feedback.register(app, runbooks)
    action_requests = ActionRequests(
        services.queue,
        ActionRepository(make_session_factory(services.db)),
        services.cases,
        dry_run=settings.faultmaven_execution_mode != "live",
    )
    approvals.register(app, action_requests)
    events.register(app, services.intake, services.incidents, action_requests, audits=audits)
    views.register(app, services.intake, runbooks)

    @app.error
    def handle_unexpected_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        log.exception("unhandled error in a Slack listener", exc_info=error)
        # Slash commands show this text to the user instead of "dispatch_failed".
        return BoltResponse(status=200, body="⚠️ Something went wrong on our side; nothing you sent was lost.")

    return app
