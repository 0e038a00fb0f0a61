"""Shared set-up for benchmarks: a real Redis, the fake Slack API, and real FaultMaven processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.redis_server import free_port, start_redis
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi

BOT_TOKEN = "xoxb-bench-0000"


@dataclass
class Env:
    workdir: Path
    redis_url: str
    slack: FakeSlackApi
    vars: dict[str, str]


@contextmanager
def environment() -> Iterator[Env]:
    """A temp dir, a real redis-server and the fake Slack API, torn down afterwards."""
    with tempfile.TemporaryDirectory(prefix="fm-bench-") as tmp:
        workdir = Path(tmp)
        redis = start_redis(workdir / "redis")
        slack = FakeSlackApi().start()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "REDIS_URL": redis.url,
            "DATABASE_URL": f"sqlite:///{workdir / 'fm.db'}",
            "FAULTMAVEN_DATA_DIR": str(workdir),
            "LOG_LEVEL": "WARNING",
        }
        try:
            yield Env(workdir, redis.url, slack, env)
        finally:
            slack.stop()
            redis.stop()


def start(env: Env, *args: str) -> subprocess.Popen[bytes]:
    """Start `python -m <args>` with the benchmark environment."""
    log = (env.workdir / f"{args[1].replace('.', '_')}-{args[2] if len(args) > 2 else ''}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", *args], env=env.vars, stdout=log, stderr=log)


def wait_healthy(url: str, timeout: float = 30) -> None:
    """Wait for a web process to answer."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            pause.wait(0.05)
    raise RuntimeError(f"{url} did not come up")


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(values_ms: list[float]) -> str:
    """p50/p95/p99 in milliseconds."""
    return (
        f"p50 {statistics.median(values_ms):7.2f} ms  p95 {percentile(values_ms, 95):7.2f} ms  "
        f"p99 {percentile(values_ms, 99):7.2f} ms  (n={len(values_ms)})"
    )


def stop(*procs: subprocess.Popen[bytes]) -> None:
    """Terminate processes and wait."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=10)


def port() -> int:
    """A free loopback port."""
    return free_port()
