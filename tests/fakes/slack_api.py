"""A threaded local HTTP server that answers like Slack's Web API and records every call."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "U0FMBOT"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    remaining: int = 1


@dataclass
class FakeSlackApi:
    """Start with `start()`; point `WebClient(base_url=api.base_url)` at it."""

    calls: list[Call] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> FakeSlackApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._handle(self)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()
            self.messages.clear()
            self.faults.clear()

    def fail_next(self, method: str, status: int, retry_after: int | None = None, count: int = 1) -> None:
        """Answer the next `count` calls of `method` with an HTTP error (429 carries Retry-After)."""
        with self._cond:
            self.faults[method] = Fault(status, retry_after, count)

    # --- queries ---------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until predicate() holds after some call, or the deadline passes."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        ok = self.wait_for(lambda: len([c for c in self.calls if c.method == method]) >= count, timeout)
        assert ok, f"expected {count}× {method}, saw {[c.method for c in self.calls]}"
        return self.calls_to(method)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages in a thread (root excluded), oldest first, as they look now."""
        with self._cond:
            found = [
                m
                for m in self.messages.values()
                if m["channel"] == channel and m.get("thread_ts") == thread_ts
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    # --- the Web API -----------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode() if length else ""
        if request.headers.get("Content-Type", "").startswith("application/json"):
            params: dict[str, Any] = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
        path = request.path.split("?")[0]
        method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url" + path
        auth = request.headers.get("Authorization", "")
        with self._cond:
            fault = self.faults.get(method)
            if fault and fault.remaining > 0:
                fault.remaining -= 1
                self.calls.append(Call(method + ":failed", params, auth.removeprefix("Bearer ") or None))
                self._cond.notify_all()
                self._reply(
                    request,
                    {"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"},
                    fault.status,
                    fault.retry_after,
                )
                return
            body = self._answer(method, params)
            self.calls.append(Call(method, params, auth.removeprefix("Bearer ") or None))
            self._cond.notify_all()
        self._reply(request, body, 200, None)

    def _reply(
        self, request: BaseHTTPRequestHandler, body: dict[str, Any], status: int, retry_after: int | None
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            request.send_header("Retry-After", str(retry_after))
        request.end_headers()
        request.wfile.write(data)

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.000100"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": "B0FMBOT",
                "team_id": "T111",
                "user": "faultmaven",
            }
        if method == "chat.postMessage":
            ts = self._next_ts()
            message = {
                "channel": params["channel"],
                "ts": ts,
                "text": params.get("text", ""),
                "blocks": _as_list(params.get("blocks")),
                "thread_ts": params.get("thread_ts"),
            }
            self.messages[ts] = message
            return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}
        if method == "chat.update":
            existing = self.messages.get(params["ts"])
            if existing is None:
                return {"ok": False, "error": "message_not_found"}
            existing.update(text=params.get("text", ""), blocks=_as_list(params.get("blocks")))
            return {"ok": True, "channel": params["channel"], "ts": params["ts"]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **_as_dict(params.get("view"))}}
        if method == "conversations.replies":
            thread = [m for m in self.messages.values() if m.get("thread_ts") == params.get("ts")]
            return {"ok": True, "messages": thread}
        if method == "users.info":
            user = params.get("user", "")
            return {"ok": True, "user": {"id": user, "name": user.lower(), "real_name": f"User {user}"}}
        if method.startswith("response_url"):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return list(json.loads(value))
    return list(value or [])


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return dict(json.loads(value))
    return dict(value or {})
