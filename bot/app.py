"""`create_app`: the Bolt app with every handler registered. The only place handlers are wired."""

from __future__ import annotations

import os

from slack_bolt import App

from bot.actions import load_configured_policy
from bot.oauth import build_oauth
from bot.services import Services
from bot.settings import Settings
from handlers import (
    action_forms,
    actions,
    approvals,
    commands,
    diagnosis_details,
    events,
    home,
    known_fixes,
    outcome_questions,
    runbook_feedback,
    runbook_revisions,
    views,
)
from handlers.listener_errors import answer_listener_error
from handlers.workspaces import register_uninstall_notice, remember_team
from jobs.actions.forms import RunActionForms
from jobs.actions.requests import ActionRequests
from jobs.audit.trail import AuditRequests
from jobs.cases.details import DetailsRequests
from jobs.cases.late_reply_requests import LateReplies
from jobs.learning.requests import LearningRequests
from jobs.notices import Notices
from jobs.runbooks.requests import RunbookRequests
from jobs.slack import make_ack_path_client
from jobs.submission import JobSubmitter
from storage.actions import ActionRepository
from storage.db import make_session_factory
from storage.runbooks import RunbookRepository


def create_app(settings: Settings, services: Services) -> App:
    """A Bolt app for HTTP or Socket Mode; requires Slack settings."""
    settings.require_slack()
    assert settings.slack_signing_secret is not None
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = make_ack_path_client(
        None if settings.oauth_enabled else token,
        settings.slack_api_url,
        timeout=settings.slack_ack_path_timeout_seconds,
    )
    # Many workspaces: Bolt's authorize gives each request its workspace's token (context.client
    # copies this client's base URL, timeout and retry handlers); else the one bot token.
    flow, authorize = build_oauth(settings, services.db) if settings.oauth_enabled else (None, None)
    if flow is None:
        # Bolt reads SLACK_CLIENT_ID/SECRET from the environment itself and takes even a blank one
        # (the playground blanks them) as "OAuth with file stores": Settings chose one workspace.
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            os.environ.pop(name, None)
    app = App(
        client=client,
        oauth_flow=flow,
        # Bolt accepts an Authorize instance here (it only types the parameter as a plain callable).
        authorize=authorize,  # type: ignore[arg-type]
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # bot/web.py verifies every HTTP request on its raw bytes before Bolt parses it (Socket Mode
        # needs none); Bolt's own check would log the whole body of a request it refuses.
        request_verification_enabled=False,
        # Unhandled requests reach the error handler below instead of a warning that quotes the body.
        raise_error_for_unhandled_request=True,
        # Thin handlers ack in well under a millisecond; this avoids Bolt's ~10 ms ack polling.
        process_before_response=True,
    )
    if flow is not None:
        # app_uninstalled / tokens_revoked delete the workspace's installation: its jobs stop posting.
        app.enable_token_revocation_listeners()
    else:
        register_uninstall_notice(app)
    app.use(remember_team)
    sessions = make_session_factory(services.db)
    submitter = JobSubmitter(services.queue, sessions)
    notices = Notices(submitter)
    runbooks = RunbookRequests(submitter, RunbookRepository(sessions))
    audits = AuditRequests(services.cases, submitter)
    learning = LearningRequests(submitter)
    commands.register(
        app, services.intake, settings.slack_command, runbooks, audits=audits, learning=learning
    )
    actions.register(app, runbooks, notices)
    known_fixes.register(app, learning)
    diagnosis_details.register(app, DetailsRequests(submitter))
    home.register(app, learning)
    outcome_questions.register(app, learning)
    runbook_feedback.register(app, runbooks)
    runbook_revisions.register(app, runbooks)
    action_requests = ActionRequests(
        submitter,
        ActionRepository(sessions),
        services.cases,
        dry_run=settings.faultmaven_execution_mode != "live",
    )
    approvals.register(app, action_requests, notices)
    action_forms.register(
        app,
        RunActionForms(
            services.queue,
            ActionRepository(make_session_factory(services.db)),
            services.cases,
            load_configured_policy(settings),
            settings.channel_environments,
            settings.oncall_groups,
        ),
        notices,
    )
    events.register(
        app,
        services.intake,
        services.incidents,
        action_requests,
        audits=audits,
        notices=notices,
        late_replies=LateReplies(submitter),
    )
    views.register(app, services.intake, runbooks)
    app.error(answer_listener_error)
    return app
