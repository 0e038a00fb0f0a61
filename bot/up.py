"""`faultmaven up`: everything a laptop needs in one command; Ctrl-C, SIGTERM or SIGHUP stops it all."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot.actions import load_configured_policy
from bot.playground.launch import (
    playground_env,
    playground_url,
    require_loopback,
    wait_until_serving,
    wants_playground,
)
from bot.redis_server import RedisServer, start_redis
from bot.settings import Settings
from bot.supervisor import (
    Child,
    Supervisor,
    child_env,
    die_with_parent,
    next_free_port,
    port_is_free,
    python_command,
)
from storage.migrate import upgrade

WORKER_METRICS_PORT = 9101


def _say(line: str) -> None:
    print(line, flush=True)


def port_in_use_message(host: str, port: int) -> str:
    """What to do when the web port is taken (often by another `faultmaven up`)."""
    suggestion = next_free_port(host, port) or port + 1
    return f"port {port} is in use; run `make run PORT={suggestion}` (or `faultmaven up --port {suggestion}`)"


class EmbeddedRedis:
    """The laptop's redis-server: restarted on the same port if it dies, so REDIS_URL stays valid."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server: RedisServer = start_redis(workdir, preexec_fn=die_with_parent)

    def keep_alive(self) -> None:
        if self.server.process.poll() is None:
            return
        _say(f"embedded Redis exited with code {self.server.process.returncode}; restarting it")
        self.server = start_redis(self.workdir, port=self.server.port, preexec_fn=die_with_parent)

    def stop(self) -> None:
        self.server.stop()


def worker_children(env: dict[str, str], workers: int, metrics_host: str) -> list[Child]:
    """One worker dedicated to `high` (intake, diagnosis), the rest on `default,low`, each restartable.

    A slow `low` job (a runbook draft, an export) then never delays a new case's diagnosis. Each worker
    serves its metrics on the next free port from WORKER_METRICS_PORT.
    """
    children = []
    metrics_port = WORKER_METRICS_PORT - 1
    for n in range(workers):
        queues = "high" if n == 0 else "default,low"
        metrics_port = next_free_port(metrics_host, metrics_port) or 0
        argv = python_command("worker", "--queues", queues, "--metrics-port", str(metrics_port))
        children.append(Child(f"worker {n + 1} ({queues})", argv, env, restart=True))
    return children


def run_everything(
    settings: Settings, host: str, port: int, playground: bool = False, workers: int = 2
) -> int:
    """Start Redis when REDIS_URL is unset, migrate, then run web and workers until told to stop."""
    # A broken approval policy would only surface when the worker starts: say so before anything runs.
    load_configured_policy(settings)
    with_playground = wants_playground(settings, playground)
    if with_playground:
        require_loopback(host)
    if port and not port_is_free(host, port):
        print(port_in_use_message(host, port), file=sys.stderr)
        return 2
    # One line per readiness poll of our own page is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    supervisor = Supervisor(say=_say)
    supervisor.install_signal_handlers()
    env = child_env()
    redis: EmbeddedRedis | None = None
    try:
        if not settings.redis_url:
            redis = EmbeddedRedis(settings.faultmaven_data_dir / "redis")
            env["REDIS_URL"] = redis.server.url
            _say(f"started embedded Redis on {redis.server.url}")
        upgrade(settings.resolved_database_url)
        serve = python_command("serve", "--host", host, "--port", str(port))
        if with_playground:
            # Local credentials only: real tokens never reach the stand-in.
            _say("No Slack tokens in use: starting the local playground (see README 'Playground').")
            env.update(playground_env())
            env.pop("SLACK_APP_TOKEN", None)
            # One pretend workspace: OAuth settings (env or .env) are blanked, not only unset.
            env.update(SLACK_CLIENT_ID="", SLACK_CLIENT_SECRET="")
            serve.append("--playground")
        elif not settings.slack_configured:
            missing = ", ".join(settings.missing_slack_settings())
            _say(f"Slack is not configured ({missing} unset): see README 'Create the Slack app'.")
            serve.append("--setup-mode")
        supervisor.add(Child("web", serve, env))
        if settings.slack_configured or with_playground:
            for child in worker_children(env, workers, "127.0.0.1"):
                supervisor.add(child)
                metrics_port = child.argv[-1]
                where = f"http://127.0.0.1:{metrics_port}/metrics" if metrics_port != "0" else "off"
                _say(f"started {child.name}; its metrics: {where}")
        if not _announce(supervisor, host, port, with_playground):
            return _stopped_or_failed(supervisor)
        code = supervisor.watch(on_tick=redis.keep_alive if redis is not None else None)
        return code if code else _stopped_or_failed(supervisor)
    finally:
        supervisor.stop_all()
        if redis is not None:
            redis.stop()
        supervisor.restore_signal_handlers()
        if supervisor.stop_signal is not None:
            _say("FaultMaven stopped.")


def _announce(supervisor: Supervisor, host: str, port: int, with_playground: bool) -> bool:
    """Print where things are once the web process answers; the URL to open comes last, alone."""
    if with_playground:
        serving = wait_until_serving(
            port, lambda: supervisor.all_alive() and not supervisor.stopping.is_set()
        )
        if not serving:
            return False
        _say(f"FaultMaven is up (health: http://{host}:{port}/healthz). Ctrl-C to stop.")
        _say("Open the playground:")
        _say(playground_url(port))
        return True
    _say("FaultMaven is up; Slack's request URL is this server's /slack/events. Ctrl-C to stop. Health:")
    _say(f"http://{host}:{port}/healthz")
    return True


def _stopped_or_failed(supervisor: Supervisor) -> int:
    """0 when a stop signal ended the run, else the exit code of whichever child died."""
    if supervisor.stopping.is_set():
        return 0
    for child in supervisor.children:
        if child.process is not None and child.process.poll() not in (None, 0):
            _say(f"{child.name} exited with code {child.process.returncode} before it was ready")
            return child.process.returncode or 1
    return 1
