"""The playground's page, its state feed and its action endpoint, served by the web process."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground.playground import PAGERDUTY_PATH, Playground
from bot.playground.workspace import BOT_NAME, BOT_USER_ID, CHANNEL_ID, CHANNEL_NAME, USERS

STATIC = Path(__file__).parent / "static"
NO_STORE = {"Cache-Control": "no-store"}


def _forbidden(playground: Playground, request: Request) -> Response | None:
    """Loopback only, and no cross-site or DNS-rebinding requests into the pretend workspace."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
    origin = request.headers.get("origin")
    client = request.client.host if request.client else ""
    try:
        remote_ok = ipaddress.ip_address(client).is_loopback
    except ValueError:
        remote_ok = True  # not an IP: an in-process test client
    if (
        not remote_ok
        or host not in playground.allowed_hosts
        or (origin is not None and urlsplit(origin).hostname not in playground.allowed_hosts)
    ):
        return JSONResponse({"ok": False, "error": "the playground answers loopback only"}, status_code=403)
    return None


def _user(playground: Playground, value: Any) -> str:
    ids = [u.id for u in USERS]
    return value if value in ids else ids[0]


def playground_routes(playground: Playground) -> list[BaseRoute]:
    """Routes to put in front of the web app's own."""

    async def page(request: Request) -> Response:
        return _forbidden(playground, request) or FileResponse(STATIC / "index.html", headers=NO_STORE)

    async def to_page(_: Request) -> Response:
        return RedirectResponse("/playground")

    async def state(request: Request) -> Response:
        if denied := _forbidden(playground, request):
            return denied
        user = _user(playground, request.query_params.get("user"))
        since = request.query_params.get("since", "")
        if since.isdigit() and int(since) == playground.workspace.version:
            return JSONResponse({"version": int(since), "unchanged": True}, headers=NO_STORE)
        snapshot = playground.workspace.snapshot(user)
        snapshot.update(
            bot={"id": BOT_USER_ID, "name": BOT_NAME},
            users=[{"id": u.id, "name": u.name, "real_name": u.real_name, "title": u.title} for u in USERS],
            channel={"id": CHANNEL_ID, "name": CHANNEL_NAME},
            channels=playground.workspace.channel_list(),
            command=playground.command_name,
            features={"incidents": playground.incidents_enabled},
        )
        return JSONResponse(snapshot, headers=NO_STORE)

    async def send(request: Request) -> Response:
        if denied := _forbidden(playground, request):
            return denied
        if not request.headers.get("content-type", "").startswith("application/json"):
            return JSONResponse({"ok": False, "error": "send JSON"}, status_code=415)
        try:
            req = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_json"}, status_code=400)
        if not isinstance(req, dict):
            return JSONResponse({"ok": False, "error": "invalid_json"}, status_code=400)
        user = _user(playground, req.get("user"))
        channel = str(req.get("channel") or CHANNEL_ID)
        kind = req.get("kind")
        text = str(req.get("text", ""))[:4000]
        result: dict[str, Any]
        if kind == "message" and text.strip():
            if text.startswith("/"):
                name, _, rest = text.partition(" ")
                if name != playground.command_name:
                    return JSONResponse({"ok": False, "error": f"{name} is not a valid command"})
                result = await playground.command(user, channel, rest.strip())
            else:
                result = await playground.message(user, channel, text, req.get("thread_ts") or None)
        elif kind == "block_action":
            result = await playground.block_action(user, req)
        elif kind == "view_submission":
            result = await playground.submit_view(user, str(req.get("view_id")), req.get("values") or {})
        elif kind == "view_closed":
            result = await playground.close_view(user, str(req.get("view_id")))
        elif kind == "incident":
            result = await playground.inject_incident(int(req.get("index") or 0))
        elif kind == "incident_event":
            incident_id, status = str(req.get("incident_id")), str(req.get("status"))
            result = await playground.incident_event(user, incident_id, status)
        else:
            return JSONResponse({"ok": False, "error": "unknown kind"}, status_code=400)
        return JSONResponse(result)

    return [
        Route("/", to_page, methods=["GET"]),
        Route("/playground", page, methods=["GET"]),
        Route("/playground/", to_page, methods=["GET"]),
        Route("/playground/state", state, methods=["GET"]),
        Route("/playground/send", send, methods=["POST"]),
        Mount("/playground/static", app=StaticFiles(directory=STATIC), name="playground-static"),
    ]


def has_incident_route(routes: list[BaseRoute]) -> bool:
    """Whether the web app (another feature) accepts PagerDuty webhooks yet."""
    return any(getattr(route, "path", None) == PAGERDUTY_PATH for route in routes)
