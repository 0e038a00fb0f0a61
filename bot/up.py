"""`faultmaven up`: everything a laptop needs in one command; Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

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
from storage.migrate import upgrade


def run_everything(settings: Settings, host: str, port: int, playground: bool = False) -> int:
    """Start Redis when REDIS_URL is unset, migrate, then run web and worker until interrupted."""
    # A broken approval policy would only surface when the worker starts: say so before anything runs.
    load_configured_policy(settings)
    env = dict(os.environ)
    with_playground = wants_playground(settings, playground)
    if with_playground:
        require_loopback(host)
    redis: RedisServer | None = None
    if not settings.redis_url:
        redis = start_redis(settings.faultmaven_data_dir / "redis")
        env["REDIS_URL"] = redis.url
        print(f"started embedded Redis on {redis.url}")
    upgrade(settings.resolved_database_url)
    serve = [sys.executable, "-m", "bot.cli", "serve", "--host", host, "--port", str(port)]
    if with_playground:
        # Local credentials only: real tokens never reach the stand-in.
        print("No Slack tokens in use: starting the local playground (see README 'Playground').")
        env.update(playground_env())
        env.pop("SLACK_APP_TOKEN", None)
        serve.append("--playground")
    elif not settings.slack_configured:
        missing = ", ".join(settings.missing_slack_settings())
        print(f"Slack is not configured ({missing} unset): see README 'Create the Slack app'.")
        serve.append("--setup-mode")
    procs = [subprocess.Popen(serve, env=env)]
    if settings.slack_configured or with_playground:
        procs.append(subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env))
    print(f"FaultMaven is up: http://{host}:{port}/healthz  (Ctrl-C to stop)")
    try:
        if with_playground and wait_until_serving(port, lambda: all(p.poll() is None for p in procs)):
            print(f"FaultMaven playground: {playground_url(port)}", flush=True)
        while all(p.poll() is None for p in procs):
            try:
                procs[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
        return next((p.returncode for p in procs if p.returncode), 0)
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if redis is not None:
            redis.stop()
