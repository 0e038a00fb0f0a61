"""`faultmaven up`: everything a laptop needs in one command; Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from bot.redis_server import RedisServer, start_redis
from bot.settings import Settings
from storage.migrate import upgrade


def run_everything(settings: Settings, host: str, port: int) -> int:
    """Start Redis when REDIS_URL is unset, migrate, then run web and worker until interrupted."""
    env = dict(os.environ)
    redis: RedisServer | None = None
    if not settings.redis_url:
        redis = start_redis(settings.faultmaven_data_dir / "redis")
        env["REDIS_URL"] = redis.url
        print(f"started embedded Redis on {redis.url}")
    upgrade(settings.resolved_database_url)
    serve = [sys.executable, "-m", "bot.cli", "serve", "--host", host, "--port", str(port)]
    if not settings.slack_configured:
        missing = ", ".join(settings.missing_slack_settings())
        print(f"Slack is not configured ({missing} unset): see README 'Create the Slack app'.")
        serve.append("--setup-mode")
    procs = [subprocess.Popen(serve, env=env)]
    if settings.slack_configured:
        procs.append(subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env))
    print(f"FaultMaven is up: http://{host}:{port}/healthz  (Ctrl-C to stop)")
    try:
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
