"""The real `faultmaven up`, as a newcomer runs it: default relative settings, stopped by signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.redis_server import free_port
from tests.polling import poll_until

pytestmark = pytest.mark.e2e

# Variables a newcomer has not set: `up` must work with none of them.
PROJECT_VARIABLES = (
    "FAULTMAVEN_DATA_DIR",
    "REDIS_URL",
    "DATABASE_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "ANTHROPIC_API_KEY",
    "CHROMA_URL",
)


def newcomer_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def children_of(pid: int) -> set[int]:
    """Every live descendant of `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_up(workdir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "up", "--port", str(port)],
        cwd=workdir,
        env=newcomer_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(proc: subprocess.Popen[str], needle: str, timeout: float = 90.0) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed; output:\n" + "\n".join(lines))


def test_up_from_a_fresh_directory_serves_the_playground_and_stops_everything_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    proc = start_up(tmp_path, port)
    try:
        lines = read_until(proc, "/playground")
        # The URL a person should open is the last line, alone.
        assert lines[-1] == f"http://127.0.0.1:{port}/playground"
        assert (tmp_path / "var" / "redis" / "redis.log").exists()  # relative data dir, resolved
        started = children_of(proc.pid)
        assert len(started) >= 4, started  # redis-server, web, two workers
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    poll_until(lambda: not any(alive(pid) for pid in started), timeout=10)
    assert not listening(port)


def test_up_refuses_a_taken_port_and_names_the_way_out(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start_up(tmp_path, port)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"port {port} is in use; run `make run PORT=" in output
    assert "FaultMaven is up" not in output
    assert not (tmp_path / "var" / "redis").exists()  # nothing was started


def test_up_restarts_a_worker_that_dies_and_stops_everything_on_sighup(tmp_path: Path) -> None:
    """Two workers by default; the one dedicated to `high` comes back after a crash."""
    port = free_port()
    proc = start_up(tmp_path, port)
    started: set[int] = set()
    try:
        read_until(proc, "/playground")
        commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children_of(proc.pid)}
        workers = [pid for pid, argv in commands.items() if b"worker" in argv]
        assert len(workers) == 2, commands
        (high,) = [pid for pid in workers if b"--queues\0high\0" in commands[pid]]
        os.kill(high, signal.SIGKILL)
        read_until(proc, "worker 1 (high) exited with code -9; restarting", timeout=10)
        read_until(proc, "worker 1 (high) restarted", timeout=10)
        started = children_of(proc.pid)
        proc.send_signal(signal.SIGHUP)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    poll_until(lambda: not any(alive(pid) for pid in started), timeout=10)
    assert not listening(port)
