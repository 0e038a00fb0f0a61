"""The real processes under test: redis-server, serve and worker, a recording Slack API; loopback only."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from bench.harness import wait_healthy
from bot.redis_server import RedisServer, free_port, start_redis
from tests.conftest import ALERTMANAGER_TOKEN, BOT_TOKEN
from tests.fakes.pagerduty_api import PD_WEBHOOK_SECRETS
from tests.fakes.signing import SIGNING_SECRET, signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi

CHANNELS = tuple(f"C0REL{n:02d}" for n in range(10))


def raw_headers(headers: dict[str, str]) -> dict[bytes, bytes]:
    """Headers as UTF-8 bytes: hostile input includes non-ASCII timestamps."""
    return {name.encode(): value.encode() for name, value in headers.items()}


@dataclass
class Result:
    """One row of the published table."""

    test: str
    target: str
    figure: str
    met: bool
    details: dict[str, Any] = field(default_factory=dict)


class Stack:
    """Starts and stops everything one scenario needs; every process is ours and on loopback.

    `webs` web processes share the Redis and the database (DATABASE_URL in `extra_env`, else SQLite
    in `workdir`), as several machines behind a load balancer would.
    """

    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None, webs: int = 1) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.redis: RedisServer = start_redis(workdir / "redis")
        self.slack = FakeSlackApi().start()
        self.ports = [free_port() for _ in range(webs)]
        self.vars = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.base_url,
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": f"sqlite:///{workdir / 'fm.db'}",
            "FAULTMAVEN_DATA_DIR": str(workdir),
            "FAULTMAVEN_EMBEDDING": "none",  # keyword search: these scenarios are about faults, not ranking
            "ALERTMANAGER_TOKEN": ALERTMANAGER_TOKEN,
            # Every endpoint live, as in a real deployment (an unconfigured one answers 503 by design).
            "PAGERDUTY_WEBHOOK_SECRET": ",".join(PD_WEBHOOK_SECRETS),
            "FAULTMAVEN_INCIDENT_CHANNEL": CHANNELS[0],
            "FAULTMAVEN_INCIDENT_DEBOUNCE_SECONDS": "0",
            **(extra_env or {}),
        }
        for name in ("ANTHROPIC_API_KEY", "SLACK_APP_TOKEN", "CHROMA_URL"):
            self.vars.pop(name, None)
        self.webs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.http = httpx.Client(timeout=10)
        self._engine: Engine | None = None

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def url(self) -> str:
        return self.url_of(0)

    def url_of(self, web: int) -> str:
        """The base URL of one web process."""
        return f"http://127.0.0.1:{self.ports[web]}"

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], env=self.vars, stdout=log, stderr=log
        )

    def start_web(self, wait: bool = True) -> None:
        """Every web process, started together (they migrate under one lock), then (`wait`) healthy."""
        for n, port in enumerate(self.ports):
            self.webs.append(self._spawn(f"web-{n}" if n else "web", "serve", "--port", str(port)))
        for n in range(len(self.ports) if wait else 0):
            wait_healthy(self.url_of(n) + "/healthz", timeout=60)

    def start_worker(self, queues: str) -> subprocess.Popen[bytes]:
        """One more `faultmaven worker` on `queues` (comma-separated)."""
        worker = self._spawn("worker", "worker", "--queues", queues)
        self.workers.append(worker)
        return worker

    def start_workers(self) -> None:
        """The pool `faultmaven up` runs by default: one worker on `high`, one on `default,low`."""
        for queues in ("high", "default,low"):
            self.start_worker(queues)

    def ensure_worker(self) -> None:
        """The worker pool, started if no worker is running, and ready."""
        if not any(worker.poll() is None for worker in self.workers):
            self.start_workers()
        # Ready means a worker's heartbeat is fresh: /readyz says so once it is really serving.
        self.wait(lambda: self.http.get(self.url + "/readyz").status_code == 200, timeout=90)

    def kill_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    def restart_redis(self) -> None:
        self.redis = start_redis(self.workdir / "redis", port=self.redis.port)

    def stop(self) -> None:
        self.http.close()
        procs = [p for p in [*self.webs, *self.workers] if p.poll() is None]
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.slack.stop()
        if self.redis.process.poll() is None:
            self.redis.stop()
        if self._engine is not None:
            self._engine.dispose()

    # --- requests ----------------------------------------------------------------------------------
    def post_slack(self, body: str | bytes, headers: dict[str, str], web: int = 0) -> httpx.Response:
        return self.http.post(self.url_of(web) + "/slack/events", content=body, headers=raw_headers(headers))

    def command(self, text: str, trigger_id: str, channel: str = CHANNELS[0], user: str = "W0REL") -> int:
        body = slash_command_body(text, trigger_id=trigger_id, channel_id=channel, user_id=user)
        return self.post_slack(body, signed_headers(body)).status_code

    def alert(self, payload: dict[str, Any]) -> int:
        headers = {"Authorization": f"Bearer {ALERTMANAGER_TOKEN}", "Content-Type": "application/json"}
        return self.http.post(self.url + "/webhooks/alertmanager", json=payload, headers=headers).status_code

    # --- what happened -----------------------------------------------------------------------------
    def sql(self, query: str) -> list[tuple[Any, ...]]:
        url = self.vars["DATABASE_URL"]
        if url.startswith("sqlite:"):
            with sqlite3.connect(self.workdir / "fm.db", timeout=30) as db:
                return list(db.execute(query))
        if self._engine is None:
            self._engine = create_engine(url, pool_size=2)
        with self._engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query))]

    def log_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.workdir.glob("*.log"))

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.workdir.glob("*.log"))

    def root_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self.slack.workspace.cond:
            messages = list(self.slack.workspace.messages.values())
        return [
            m
            for m in messages
            if not m.get("thread_ts") or m.get("thread_ts") == m.get("ts")
            if channel is None or m.get("channel") == channel
        ]

    def case_roots(self) -> dict[str, list[dict[str, Any]]]:
        """Root messages by the case ref (FM-n) they announce."""
        found: dict[str, list[dict[str, Any]]] = {}
        for message in self.root_messages():
            text = json.dumps(message.get("blocks") or []) + str(message.get("text") or "")
            for ref in {w.strip('*:,.()[]`"') for w in text.split() if "FM-" in w}:
                if ref.startswith("FM-") and ref[3:].isdecimal():
                    found.setdefault(ref, []).append(message)
        return found

    def diagnosed_cases(self, marker: str = "") -> int:
        """Cases whose report contains `marker` and that have a diagnosis."""
        rows = self.sql(
            "SELECT count(*) FROM cases WHERE diagnosis_json IS NOT NULL AND description LIKE "
            f"'%{marker.replace(chr(39), '')}%'"
        )
        return int(rows[0][0])

    def wait(self, predicate: Callable[[], bool], timeout: float) -> float | None:
        """Seconds until predicate() held, or None when the deadline passed."""
        started = time.monotonic()
        pause = threading.Event()
        while time.monotonic() - started < timeout:
            try:
                if predicate():
                    return time.monotonic() - started
            except (sqlite3.OperationalError, OperationalError, httpx.HTTPError):
                pass
            pause.wait(0.2)
        return None

    def queued_jobs(self) -> int:
        """Jobs waiting in any queue."""
        client = Redis.from_url(self.redis.url)
        return sum(int(client.llen(f"rq:queue:{name}")) for name in ("high", "default", "low"))

    def failed_jobs(self) -> int:
        """Jobs RQ gave up on, in every queue's failed registry."""
        client = Redis.from_url(self.redis.url)
        return sum(int(client.zcard(f"rq:failed:{name}")) for name in ("high", "default", "low"))

    def redis_dump(self) -> str:
        """Every string, hash and list value in Redis, for the secrets check."""
        client = Redis.from_url(self.redis.url)
        parts: list[str] = []
        for key in client.scan_iter(count=500):
            raw_kind = client.type(key)
            kind = raw_kind.decode() if isinstance(raw_kind, bytes) else str(raw_kind)
            if kind == "string":
                parts.append(str(client.get(key)))
            elif kind == "hash":
                parts.append(str(client.hgetall(key)))
            elif kind == "list":
                parts.append(str(client.lrange(key, 0, -1)))
            elif kind in ("set", "zset"):
                parts.append(str(client.zrange(key, 0, -1) if kind == "zset" else client.smembers(key)))
        return "\n".join(parts)
