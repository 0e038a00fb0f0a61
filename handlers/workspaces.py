"""Which Slack workspace a request came from, remembered for everything the listener submits."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, BoltResponse

from jobs.workspaces.team import serve_team


def remember_team(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Global middleware (after Bolt's authorize): cases and jobs recorded from here on carry this
    request's team id, so the worker answers with that workspace's token and shows only its cases."""
    serve_team(context.team_id or "")
    return next()
