"""A threaded HTTP server on loopback answering like Slack's Web API, backed by a `Workspace`.

The playground's web process runs one next to its page; tests run one per session and point the
real `WebClient(base_url=...)` at it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from bot.playground.files_api import UPLOAD_PATH, receive_upload
from bot.playground.web_api import MAX_BODY, ApiReply, call, parse_params
from bot.playground.workspace import Call, Fault, Workspace


class LocalSlackApi:
    """Start with `start()`; `base_url` is the Web API root, `origin/response/<id>` a response_url."""

    def __init__(self, workspace: Workspace | None = None, port: int = 0) -> None:
        self.workspace = workspace or Workspace()
        self.port = port
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Self:
        """Listen on 127.0.0.1 (only) and serve from a daemon thread."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._handle(self)

            def do_GET(self) -> None:
                api._handle(self)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.workspace.origin = self.origin
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.origin + "/api/"

    # --- what tests read and arrange (delegated to the workspace) ------------------------------
    @property
    def calls(self) -> list[Call]:
        return self.workspace.calls

    @property
    def messages(self) -> dict[str, dict[str, Any]]:
        return self.workspace.messages

    @property
    def faults(self) -> dict[str, Fault]:
        return self.workspace.faults

    @property
    def usergroups(self) -> dict[str, list[str]]:
        return self.workspace.usergroups

    def reset(self) -> None:
        self.workspace.reset()

    def fail_next(self, method: str, status: int, retry_after: int | None = None, count: int = 1) -> None:
        """Answer the next `count` calls of `method` with an HTTP error (429 carries Retry-After)."""
        with self.workspace.cond:
            self.workspace.faults[method] = Fault(status, retry_after, count)

    def fail_for(self, method: str, seconds: float, status: int = 429, retry_after: int | None = 1) -> None:
        """Answer every call of `method` with an HTTP error for the next `seconds` (a 429 storm)."""
        with self.workspace.cond:
            self.workspace.faults[method] = Fault(status, retry_after, 0, time.monotonic() + seconds)

    def slow_down(self, method: str, seconds: float) -> None:
        """Make every call of `method` take `seconds` before Slack answers it."""
        with self.workspace.cond:
            self.workspace.delays[method] = seconds

    def calls_to(self, method: str) -> list[Call]:
        return self.workspace.calls_to(method)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until predicate() holds after some call, or the deadline passes."""
        return self.workspace.wait_for(predicate, timeout)

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """At least `count` calls of `method`, waiting up to `timeout`; fails loudly otherwise."""
        ok = self.wait_for(lambda: len(self.workspace.calls_to(method)) >= count, timeout)
        assert ok, f"expected {count}× {method}, saw {[c.method for c in self.calls]}"
        return self.calls_to(method)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages in a thread (root excluded), oldest first, as they look now."""
        return self.workspace.thread(channel, thread_ts)

    def file_text(self, file_id: str) -> str:
        """What was uploaded as `file_id`, decoded as UTF-8."""
        with self.workspace.cond:
            content = self.workspace.files[file_id]["content"]
        return bytes(content or b"").decode("utf-8")

    # --- HTTP --------------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(request, ApiReply(413, {"ok": False, "error": "request_too_large"}))
            return
        raw = request.rfile.read(length) if length else b""
        path = request.path.split("?")[0]
        if path.startswith(UPLOAD_PATH):
            status, body = receive_upload(self.workspace, path, raw)
            self._reply(request, ApiReply(status, body))
            return
        if path.startswith("/api/"):
            method = path.removeprefix("/api/")
        else:
            method = "response_url/" + path.removeprefix("/response/").lstrip("/")
        try:
            params = parse_params(raw, request.headers.get("Content-Type", ""))
            # GET methods (conversations.history/replies) carry their arguments in the query string.
            params = {**dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True)), **params}
        except (ValueError, UnicodeDecodeError):
            self._reply(request, ApiReply(200, {"ok": False, "error": "invalid_form_data"}))
            return
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or params.get("token") or None
        self._reply(request, call(self.workspace, method, params, token))

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, reply: ApiReply) -> None:
        data = json.dumps(reply.body).encode()
        request.send_response(reply.status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)
