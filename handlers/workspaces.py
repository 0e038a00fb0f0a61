"""Which Slack workspace a request came from, remembered for everything the listener submits."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse

from jobs.workspaces.team import serve_team

log = logging.getLogger(__name__)


def remember_team(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Global middleware (after Bolt's authorize): cases and jobs recorded from here on carry this
    request's team id, so the worker answers with that workspace's token and shows only its cases."""
    serve_team(context.team_id or "")
    return next()


def note_uninstall(context: BoltContext) -> None:
    """One workspace's token (SLACK_BOT_TOKEN) was revoked or the app removed: say what to do."""
    log.warning(
        "FaultMaven was uninstalled from this workspace or its tokens were revoked: "
        "SLACK_BOT_TOKEN no longer works; reinstall the app and set the new token",
        extra={"team_id": context.team_id},
    )


def register_uninstall_notice(app: App) -> None:
    """With one workspace's token there is no installation to delete: acknowledge and warn."""
    app.event("app_uninstalled")(note_uninstall)
    app.event("tokens_revoked")(note_uninstall)
