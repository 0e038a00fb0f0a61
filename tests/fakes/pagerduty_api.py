"""A threaded local HTTP server that answers like PagerDuty's REST API (notes, incident updates)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PD_API_TOKEN = "pd-api-token-test-0123"
PD_WEBHOOK_SECRETS = ("pd-webhook-secret-old", "pd-webhook-secret-new")


def pagerduty_signature(body: bytes, *secrets: str) -> str:
    """The X-PagerDuty-Signature header PagerDuty would send for `body`."""
    return ",".join(
        "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        for secret in (secrets or PD_WEBHOOK_SECRETS[1:])
    )


@dataclass
class PdCall:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakePagerDutyApi:
    """Start with `start()`; point PAGERDUTY_API_URL at `base_url`."""

    calls: list[PdCall] = field(default_factory=list)
    failures: list[PdCall] = field(default_factory=list)
    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._fail_remaining = 0
        self._fail_status = 500
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakePagerDutyApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._handle(self, "POST")

            def do_PUT(self) -> None:
                api._handle(self, "PUT")

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
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.failures.clear()
            self.incidents.clear()
            self.notes.clear()
            self._fail_remaining = 0

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next `count` requests with an HTTP error."""
        with self._lock:
            self._fail_remaining, self._fail_status = count, status

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}")
        call = PdCall(method, request.path, body, {k.lower(): v for k, v in request.headers.items()})
        with self._lock:
            if call.headers.get("authorization") != f"Token token={PD_API_TOKEN}":
                self._reply(request, 401, {"error": {"message": "Unauthorized"}})
                return
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                self.failures.append(call)
                self._reply(request, self._fail_status, {"error": {"message": "Internal error"}})
                return
            self.calls.append(call)
            parts = request.path.strip("/").split("/")
            if method == "POST" and len(parts) == 3 and parts[0] == "incidents" and parts[2] == "notes":
                self.notes.setdefault(parts[1], []).append(body["note"]["content"])
                self._reply(request, 201, {"note": {"id": "PNOTE1", "content": body["note"]["content"]}})
                return
            if method == "PUT" and len(parts) == 2 and parts[0] == "incidents":
                incident = {"id": parts[1], **body["incident"]}
                self.incidents[parts[1]] = incident
                self._reply(request, 200, {"incident": incident})
                return
            self._reply(request, 404, {"error": {"message": "Not Found"}})

    def _reply(self, request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
