"""A threaded local HTTP server standing in for an automation endpoint (Rundeck, AWX, a CI job…).

It checks what a real receiver must: the HMAC signature (with `sign_webhook`), a fresh timestamp
and an idempotency key; a repeated key answers the first run again instead of starting a new one.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from engine.actions.executors import sign_webhook

RECEIVER_SECRET = "automation-secret-test-0123"
MAX_CLOCK_SKEW = 300


@dataclass
class Delivery:
    headers: dict[str, str]
    body: dict[str, Any]
    status: int

    @property
    def idempotency_key(self) -> str:
        return self.headers.get("idempotency-key", "")

    @property
    def signature_ok(self) -> bool:
        return self.status != 401


@dataclass
class AutomationReceiver:
    """Start with `start()`; `answer_next(status, body)` queues canned answers; default is 200 accepted."""

    secret: str = RECEIVER_SECRET
    deliveries: list[Delivery] = field(default_factory=list)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key → the run it started
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key → what it asked

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: list[tuple[int, dict[str, Any]]] = []
        self._server: ThreadingHTTPServer | None = None
        self.hold = threading.Event()  # cleared → the next request waits for it (to provoke a timeout)
        self.hold.set()

    def start(self) -> AutomationReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown() (every test teardown) fast.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.hold.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/faultmaven"

    @property
    def host(self) -> str:
        assert self._server is not None
        return f"127.0.0.1:{self._server.server_address[1]}"

    def answer_next(self, status: int, body: dict[str, Any]) -> None:
        with self._lock:
            self._answers.append((status, body))

    def fail_next(self, times: int = 1) -> None:
        """Answer 503 to the next `times` deliveries (an automation outage)."""
        for _ in range(times):
            self.answer_next(503, {"error": "automation is restarting"})

    def reset(self) -> None:
        """Forget deliveries, runs and queued answers (between tests sharing one server)."""
        with self._lock:
            self.deliveries.clear()
            self.runs.clear()
            self.requests.clear()
            self._answers.clear()

    def executed(self) -> list[dict[str, Any]]:
        """The request bodies that actually started a run (one per idempotency key), in order."""
        with self._lock:
            return list(self.requests.values())

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        self.hold.wait(timeout=10)
        raw = request.rfile.read(int(request.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, answer = self._decide(headers, raw)
        with self._lock:
            self.deliveries.append(Delivery(headers, json.loads(raw or b"{}"), status))
        payload = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _decide(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        timestamp = headers.get("x-faultmaven-timestamp", "")
        expected = sign_webhook(self.secret, timestamp, raw)
        if not hmac.compare_digest(expected, headers.get("x-faultmaven-signature", "")):
            return 401, {"error": "bad signature"}
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
            return 401, {"error": "stale timestamp"}
        key = headers.get("idempotency-key", "")
        if not key:
            return 400, {"error": "missing Idempotency-Key"}
        with self._lock:
            if self._answers:
                return self._answers.pop(0)
            if key in self.runs:  # a retry of a delivery we already acted on: same run, nothing new
                return 200, self.runs[key]
            run_id = f"run-{len(self.runs) + 1}"
            body = json.loads(raw)
            self.requests[key] = body
            self.runs[key] = {
                "status": "queued",
                "message": f"{body['action']} queued for {body['target']}",
                "run_id": run_id,
                "url": f"https://automation.example/runs/{run_id}",
            }
            return 200, self.runs[key]
