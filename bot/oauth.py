"""Many workspaces: Bolt's OAuth flow (`/slack/install`, `/slack/oauth_redirect`) on the product's
database, and the authorize step that gives each request its own workspace's token."""

from __future__ import annotations

import logging

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from sqlalchemy import Engine

from bot.settings import Settings
from jobs.pacing import ChannelPacer
from jobs.slack import make_web_client
from jobs.workspaces.clients import WorkspaceClients
from jobs.workspaces.stores import STATE_EXPIRATION_SECONDS, installation_store, state_store

# The bot scopes an install asks for: the same list as slack-app-manifest.yml (a test compares them).
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "channels:read",
    "groups:read",
    "commands",
    "users:read",
    "files:write",
    "usergroups:read",
    "reactions:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def build_oauth(settings: Settings, db: Engine) -> tuple[OAuthFlow, InstallationStoreAuthorize]:
    """The install flow and the per-request authorize, both on the installation store in `db`."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    client_id = settings.slack_client_id
    client_secret = settings.slack_client_secret.get_secret_value()
    store = installation_store(db, client_id)
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=state_store(db),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
    )
    # oauth.v2.access and the auth.test after it are not on a listener's 3-second clock: the
    # regular client, with retries, rather than the ack path's.
    flow = OAuthFlow(client=make_web_client(None, settings.slack_api_url), settings=oauth_settings)
    # The store is read on every request; auth.test's answer for a token is kept for the process.
    authorize = InstallationStoreAuthorize(
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        bot_only=True,
        cache_enabled=True,
        logger=logging.getLogger("slack_bolt.authorize"),
    )
    return flow, authorize


def build_workspace_clients(
    settings: Settings, db: Engine, pacer: ChannelPacer | None = None
) -> WorkspaceClients | None:
    """The worker's team -> bot token lookup (many workspaces); None with one workspace's token."""
    if not settings.oauth_enabled:
        return None
    assert settings.slack_client_id is not None
    return WorkspaceClients(
        installation_store(db, settings.slack_client_id),
        lambda token: make_web_client(token, settings.slack_api_url, pacer),
    )
