"""slack_sdk's SQLAlchemy installation and OAuth state stores, on the product's own database.

Their tables are created by our migrations (0012_workspaces), never by `create_tables()`, so one
Alembic head describes the whole schema.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

# How long an installer has between opening /slack/install and coming back from Slack.
STATE_EXPIRATION_SECONDS = 600


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """Installed workspaces and their bot tokens (tables slack_installations, slack_bots)."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """One-time OAuth `state` values (table slack_oauth_states), shared by every web process."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
