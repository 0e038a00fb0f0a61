"""Child processes for `faultmaven up`: started together, watched, restarted or stopped together."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

# Signals that mean "stop everything": Ctrl-C, a process manager or container runtime, a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1
MAX_RESTART_DELAY = 30.0


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM when `up` dies, even by SIGKILL, so nothing is orphaned."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def port_is_free(host: str, port: int) -> bool:
    """Whether the web process could bind host:port right now (as uvicorn binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def next_free_port(host: str, after: int, tries: int = 50) -> int | None:
    """The first port above `after` that is free, to suggest in the error."""
    for candidate in range(after + 1, min(after + 1 + tries, 65536)):
        if port_is_free(host, candidate):
            return candidate
    return None


@dataclass
class Child:
    """One supervised command; `restart` children come back after a crash, the others end the run."""

    name: str
    argv: list[str]
    env: dict[str, str]
    restart: bool = False
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        # Its own process group: a terminal's Ctrl-C reaches only `up`, which stops children in order.
        self.process = subprocess.Popen(
            self.argv, env=self.env, start_new_session=True, preexec_fn=die_with_parent
        )
        self.started_at = time.monotonic()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    """Starts children, restarts the restartable ones with backoff, and stops all on any stop signal."""

    def __init__(self, say: Callable[[str], None] = print) -> None:
        self.children: list[Child] = []
        self.stopping = threading.Event()
        self.stop_signal: int | None = None
        self._say = say
        self._previous: dict[int, object] = {}

    def install_signal_handlers(self) -> None:
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._on_signal)

    def restore_signal_handlers(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_signal = signum
        self.stopping.set()

    def add(self, child: Child) -> Child:
        child.start()
        self.children.append(child)
        return child

    def all_alive(self) -> bool:
        return all(child.alive for child in self.children)

    def watch(self, on_tick: Callable[[], None] | None = None) -> int:
        """Until a stop signal or a fatal exit: 0 when stopped on request, else the failed child's code."""
        while not self.stopping.wait(0.5):
            if on_tick is not None:
                on_tick()
            for child in self.children:
                code = self._check(child)
                if code is not None:
                    return code
        return 0

    def _check(self, child: Child) -> int | None:
        process = child.process
        if process is None:
            if time.monotonic() >= child.next_start:
                child.start()
                self._say(f"{child.name} restarted (pid {child.process.pid if child.process else '?'})")
            return None
        code = process.poll()
        if code is None:
            return None
        if not child.restart:
            self._say(f"{child.name} exited with code {code}; stopping everything")
            return code or 1
        # Crash loops back off; a child that ran a while starts over from a one-second pause.
        if time.monotonic() - child.started_at > MAX_RESTART_DELAY:
            child.restarts = 0
        delay = min(MAX_RESTART_DELAY, 2.0**child.restarts)
        child.restarts += 1
        child.process = None
        child.next_start = time.monotonic() + delay
        self._say(f"{child.name} exited with code {code}; restarting in {delay:.0f} s")
        return None

    def stop_all(self, timeout: float = 10.0) -> None:
        """SIGTERM to every child (newest first), then SIGKILL to any still running after `timeout`."""
        running = [c.process for c in reversed(self.children) if c.process is not None and c.alive]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def python_command(*args: str) -> list[str]:
    """`python -m bot.cli …` with this interpreter."""
    return [sys.executable, "-m", "bot.cli", *args]


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment children inherit."""
    return dict(os.environ if base is None else base)
