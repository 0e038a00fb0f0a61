"""The real processes as a fixture: `stack.start("serve", …)`, `stack.start("worker")`, stopped after."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.redis_server import RedisServer, free_port
from tests.conftest import BOT_TOKEN
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi


class Stack:
    def __init__(self, env: dict[str, str], workdir: Path, port: int) -> None:
        self.env, self.workdir, self.port = env, workdir, port
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *args: str) -> None:
        log = (self.workdir / f"{args[0]}-{len(self.procs)}.log").open("wb")
        self.procs.append(
            subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=self.env, stdout=log, stderr=log)
        )

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.workdir.glob("*.log"))


@pytest.fixture
def stack(tmp_path: Path, redis_url: str, slack: FakeSlackApi, redis_server: RedisServer) -> Iterator[Stack]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fm.db'}",
        "FAULTMAVEN_DATA_DIR": str(tmp_path),
    }
    env.pop("SLACK_APP_TOKEN", None)
    running = Stack(env, tmp_path, free_port())
    yield running
    running.stop()


def healthy(stack: Stack) -> bool:
    try:
        return httpx.get(stack.url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
