"""Team id -> a Web API client carrying that workspace's bot token, from the installation store."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.web import SlackResponse
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import ConfigurationError

log = logging.getLogger(__name__)


class WorkspaceNotInstalledError(ConfigurationError):
    """A job works for a workspace that has no installation (never installed, or uninstalled)."""


class UnreachableWorkspaceClient(WebClient):
    """Stands in for a workspace whose token could not be found: every call raises why.

    The job then fails at its first Slack call, inside RQ's handling (retries, the failed-jobs list),
    rather than the worker failing before the job started.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(token=None)
        self.error = error

    def api_call(self, api_method: str, **_kwargs: Any) -> SlackResponse:
        raise self.error


class WorkspaceClients:
    """Looks each job's team up in the installation store; one client per (team, token) is kept.

    The lookup happens for every job, so a reinstalled workspace's new token is used at once and an
    uninstalled one fails its jobs.
    """

    def __init__(self, store: InstallationStore, make_client: Callable[[str], WebClient]) -> None:
        self._store = store
        self._make_client = make_client
        self._clients: dict[tuple[str, str], WebClient] = {}
        self._lock = threading.Lock()

    def bot_token(self, team_id: str) -> str:
        """The bot token installed for `team_id`; WorkspaceNotInstalledError when there is none."""
        bot = self._store.find_bot(enterprise_id=None, team_id=team_id) if team_id else None
        if bot is None or not bot.bot_token:
            raise WorkspaceNotInstalledError(
                f"FaultMaven is not installed in Slack workspace {team_id or '(none given)'}: "
                "install it through /slack/install"
            )
        return bot.bot_token

    def client_for(self, team_id: str) -> WebClient:
        """A client posting as FaultMaven in `team_id` (one that raises why, when it cannot)."""
        try:
            token = self.bot_token(team_id)
        except (WorkspaceNotInstalledError, SQLAlchemyError) as error:
            log.warning(
                "no bot token for workspace", extra={"team_id": team_id, "error": type(error).__name__}
            )
            return UnreachableWorkspaceClient(error)
        with self._lock:
            client = self._clients.get((team_id, token))
            if client is None:
                client = self._clients[(team_id, token)] = self._make_client(token)
            return client
