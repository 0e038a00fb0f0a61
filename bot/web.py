"""The web process: Slack's request URL, health, and (later) inbound webhooks, on Starlette."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from redis.exceptions import RedisError
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.services import Services
from handlers import webhooks
from handlers.inbound import RequestRefused, read_slack_request
from handlers.slack_envelope import check_slack_body
from jobs.heartbeat import live_workers
from storage.db import ping

log = logging.getLogger(__name__)

SETUP_HINT = (
    "FaultMaven is running but Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
    "(see README, 'Create the Slack app') and restart."
)


def readiness(services: Services) -> tuple[dict[str, object], int]:
    """Whether jobs will run: a worker beat recently, and how long the oldest outbox job has waited."""
    report: dict[str, object] = {}
    try:
        beats = live_workers(services.redis)
        report["workers_alive"] = beats.alive
        report["last_heartbeat_age_seconds"] = _rounded(beats.freshest_age_seconds)
    except RedisError as error:
        beats = None
        report["workers_alive"] = 0
        report["redis"] = f"error: {type(error).__name__}"
    try:
        oldest = services.cases.leases.oldest_unfinished()
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        report["outbox_backlog_age_seconds"] = _rounded(max(0.0, age))
    except SQLAlchemyError as error:
        report["database"] = f"error: {type(error).__name__}"
    ready = beats is not None and beats.alive > 0 and "database" not in report
    return {"ok": ready, **report}, 200 if ready else 503


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def create_web_app(services: Services, bolt: App | None) -> Starlette:
    """Routes for the web process; with no Bolt app, Slack routes explain what to configure."""

    async def slack_events(request: Request) -> Response:
        if bolt is None:
            return JSONResponse(
                {"ok": False, "error": "slack_not_configured", "hint": SETUP_HINT}, status_code=503
            )
        if services.slack_auth is None:
            return RequestRefused(401, "invalid_signature", "no signing secret is configured").response()
        try:
            # Authenticated on the raw bytes, then checked for shape, before Bolt parses anything.
            body = await read_slack_request(request, services.slack_auth)
            bolt_body = check_slack_body(body, request.headers.get("content-type"))
        except RequestRefused as refused:
            log.info("slack request refused", extra={"status": refused.status, "error": refused.error})
            return refused.response()
        try:
            bolt_request = to_bolt_request(request, bolt_body.encode())
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            # Bolt builds its context while parsing; a shape we did not foresee must still be a 400.
            log.info("slack request refused", extra={"status": 400, "error": type(error).__name__})
            return RequestRefused(400, "malformed", "the request's fields have unexpected types").response()
        # Bolt's App is synchronous; run it off the event loop so slow I/O never blocks other requests.
        bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def oauth(request: Request) -> Response:
        # Many workspaces only: Bolt's install page (state cookie + Slack's authorize URL) and the
        # redirect back from Slack (state checked against cookie and store, code exchanged, saved).
        flow = bolt.oauth_flow if bolt is not None else None
        if flow is None:
            return PlainTextResponse("Not found: one workspace (SLACK_CLIENT_ID unset).\n", status_code=404)
        bolt_request = to_bolt_request(request, b"")
        handle = flow.handle_installation if request.url.path == INSTALL_PATH else flow.handle_callback
        return to_starlette_response(await run_in_threadpool(handle, bolt_request))

    async def healthz(_: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await run_in_threadpool(ping, services.db)
            checks["database"] = "ok"
        except SQLAlchemyError as error:
            checks["database"] = f"error: {type(error).__name__}"
        try:
            await run_in_threadpool(services.redis.ping)
            checks["redis"] = "ok"
        except RedisError as error:
            checks["redis"] = f"error: {type(error).__name__}"
        healthy = all(v == "ok" for v in checks.values())
        checks["slack"] = "configured" if bolt is not None else "not configured"
        return JSONResponse({"ok": healthy, **checks}, status_code=200 if healthy else 503)

    async def readyz(_: Request) -> Response:
        return JSONResponse(*await run_in_threadpool(readiness, services))

    async def index(_: Request) -> Response:
        return PlainTextResponse("FaultMaven\n" + ("" if bolt is not None else SETUP_HINT + "\n"))

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route(INSTALL_PATH, oauth, methods=["GET"]),
            Route(REDIRECT_PATH, oauth, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/", index, methods=["GET"]),
            *(
                webhooks.routes(services.incidents, services.webhook_auth, services.max_request_bytes)
                if services.incidents
                else []
            ),
        ]
    )
