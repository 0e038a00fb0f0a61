"""The recording Slack Web API stand-in, now part of the product (bot/playground); tests use it as is,
plus what only a multi-workspace test needs: `oauth.v2.access` and a team identity per bot token."""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.playground.server import LocalSlackApi
from bot.playground.web_api import ApiReply, call, parse_params
from bot.playground.workspace import BOT_USER_ID, Call, Fault

__all__ = ["BOT_USER_ID", "Call", "FakeSlackApi", "Fault", "InstalledTeam"]

OAUTH_PATHS = ("/api/oauth.v2.access", "/api/auth.test")


@dataclass(frozen=True)
class InstalledTeam:
    """A workspace Slack would install the app into: its ids and the bot token it grants."""

    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str = "A0FAULTMVN"


class FakeSlackApi(LocalSlackApi):
    """Start with `start()`; point `WebClient(base_url=api.base_url)` at it. Accepts any token.

    `hang(seconds)` makes every call wait that long before answering, as a Slack outage would.
    `grant(team)` hands out a one-time OAuth code that `oauth.v2.access` exchanges for the team's bot
    token (with the app's client id and secret, as Slack checks them); `auth.test` then answers
    each such token with its own team.
    """

    def __init__(self) -> None:
        super().__init__()
        self._released = threading.Event()
        self._hang_seconds = 0.0
        self.client_id = "111.222"
        self.client_secret = "client-secret-" + secrets.token_hex(8)
        self._codes: dict[str, InstalledTeam] = {}
        self._by_token: dict[str, InstalledTeam] = {}

    def hang(self, seconds: float) -> None:
        """Hold every call for `seconds` (or until `reset()`) before answering it."""
        self._released.clear()
        self._hang_seconds = seconds

    def reset(self) -> None:
        self._hang_seconds = 0.0
        self._released.set()  # lets held calls go, so no server thread outlives its test for long
        with self.workspace.cond:
            self._codes.clear()
            self._by_token.clear()
        super().reset()

    def grant(self, team: InstalledTeam) -> str:
        """The code Slack's authorize page would redirect back with after `team` approved the install."""
        code = "code-" + secrets.token_hex(8)
        with self.workspace.cond:
            self._codes[code] = team
        return code

    def calls_with_token(self, method: str, token: str) -> list[Call]:
        """The calls of `method` made with `token` (which workspace's bot made them)."""
        return [c for c in self.calls_to(method) if c.token == token]

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if self._hang_seconds:
            self._released.wait(self._hang_seconds)
            return  # the caller gave up long ago: answering would only write to a closed socket
        if request.path.split("?")[0] in OAUTH_PATHS:
            self._handle_oauth(request)
            return
        super()._handle(request)

    def _handle_oauth(self, request: BaseHTTPRequestHandler) -> None:
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        params = parse_params(raw, request.headers.get("Content-Type", ""))
        params = {**dict(parse_qsl(urlsplit(request.path).query)), **params}
        auth = request.headers.get("Authorization", "")
        method = request.path.split("?")[0].removeprefix("/api/")
        token = auth.removeprefix("Bearer ").strip() or params.get("token")
        reply: ApiReply | None = None
        with self.workspace.cond:
            if method == "oauth.v2.access":
                reply = self._exchange(params, auth)
                self.workspace.calls.append(Call(method, params, None))
                self.workspace.changed()
            else:
                team = self._by_token.get(token or "")
                reply = self._identity(team) if team else None
                if reply is not None:
                    self.workspace.calls.append(Call(method, params, token))
                    self.workspace.changed()
        if reply is None:  # a token no install granted: the playground's own identity
            reply = call(self.workspace, method, params, token)
        self._reply(request, reply)

    def _exchange(self, params: dict[str, Any], auth: str) -> ApiReply:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            return ApiReply(200, {"ok": False, "error": "invalid_client_id"})
        team = self._codes.pop(params.get("code", ""), None)
        if team is None:
            return ApiReply(200, {"ok": False, "error": "invalid_code"})
        self._by_token[team.bot_token] = team
        return ApiReply(
            200,
            {
                "ok": True,
                "app_id": team.app_id,
                "authed_user": {"id": "U0INSTALLER"},
                "scope": "commands,chat:write",
                "token_type": "bot",
                "access_token": team.bot_token,
                "bot_user_id": team.bot_user_id,
                "team": {"id": team.team_id, "name": team.team_name},
                "enterprise": None,
                "is_enterprise_install": False,
            },
        )

    @staticmethod
    def _identity(team: InstalledTeam) -> ApiReply:
        body = {
            "ok": True,
            "url": f"https://{team.team_name.lower()}.slack.invalid/",
            "team": team.team_name,
            "user": "faultmaven",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }
        return ApiReply(200, body)
