"""Turning the playground on: local secrets for `up`; the Web API stand-in and the page for `serve`."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.playground.playground import Playground
from bot.playground.routes import has_incident_route, playground_routes
from bot.playground.server import LocalSlackApi
from bot.playground.workspace import CHANNEL_ID, Workspace
from bot.redis_server import free_port
from bot.settings import Settings
from engine.errors import ConfigurationError

LOOPBACK = ("127.0.0.1", "localhost")
# The stand-in remembers this many messages, calls and triggers; older ones are forgotten.
KEEP = 2000


def wants_playground(settings: Settings, forced: bool) -> bool:
    """On with --playground, or when no Slack token of any kind is set."""
    tokens = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_secret,
    )
    return forced or all(token is None for token in tokens)


def playground_url(port: int) -> str:
    """Where a person opens the playground."""
    return f"http://127.0.0.1:{port}/playground"


def require_loopback(host: str) -> None:
    """The playground is unauthenticated by design, so it never listens beyond this machine."""
    if host not in LOOPBACK:
        raise ConfigurationError(f"the playground listens on 127.0.0.1 only, not {host}; drop --host")


def playground_env() -> dict[str, str]:
    """Fresh local credentials and the stand-in's address, for the web and worker processes."""
    return {
        "SLACK_BOT_TOKEN": "xoxb-playground-" + secrets.token_hex(12),
        "SLACK_SIGNING_SECRET": secrets.token_hex(32),
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
        # For the incident webhooks (when that feature is in): sample incidents land in #incidents.
        "PAGERDUTY_WEBHOOK_SECRET": secrets.token_hex(16),
        "FAULTMAVEN_INCIDENT_CHANNEL": CHANNEL_ID,
    }


def _secret(value: object) -> str | None:
    return value.get_secret_value() if isinstance(value, SecretStr) else None


def start_playground(settings: Settings, port: int) -> Playground:
    """Start the Web API stand-in where SLACK_API_URL points (before Bolt checks its token there)."""
    api_url = urlsplit(settings.slack_api_url)
    if api_url.hostname != "127.0.0.1" or not api_url.port or api_url.path != "/api/":
        raise ConfigurationError(
            "serve --playground needs SLACK_API_URL=http://127.0.0.1:<port>/api/ "
            "(`faultmaven up --playground` sets it up)"
        )
    settings.require_slack()
    token, secret = _secret(settings.slack_bot_token), _secret(settings.slack_signing_secret)
    assert token is not None and secret is not None
    api = LocalSlackApi(Workspace(bot_token=token, keep=KEEP), port=api_url.port).start()
    # One line per request to our own loopback stand-in is noise, not news.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return Playground(
        api.workspace,
        secret,
        web_url=f"http://127.0.0.1:{port}",
        api_origin=api.origin,
        command=settings.slack_command,
        # Sample incidents are signed with the first PagerDuty secret, if that feature has one set.
        pagerduty_secret=(_secret(getattr(settings, "pagerduty_webhook_secret", None)) or "").split(",")[0]
        or None,
    )


def install_playground(web: Starlette, playground: Playground) -> None:
    """Put the playground's routes in front of the web app's own (its `/` redirects to the page)."""
    playground.incidents_enabled = has_incident_route(web.routes)
    web.router.routes[0:0] = playground_routes(playground)


def wait_until_serving(port: int, alive: Callable[[], bool], timeout: float = 120.0) -> bool:
    """Poll the page until the web process answers (so the printed URL works when shown)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while alive() and time.monotonic() < deadline:
        try:
            if httpx.get(playground_url(port), timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        pause.wait(0.2)
    return False
