"""Time from slash command to the diagnosis in the thread, with the offline engine; web and worker RSS."""

from __future__ import annotations

import functools
import time

import httpx

from bench.harness import Env, environment, port, rss_mib, start, stop, summary, wait_healthy
from tests.fakes.signing import signed_headers, slash_command_body

CASES = 100
REPORTS = [
    "checkout pods OOMKilled since the 14:00 deploy",
    "postgres: FATAL sorry, too many clients already on orders-db",
    "x509: certificate has expired for api.internal",
    "nginx returns 504 gateway timeout on /api/search",
]


def diagnosed(env: Env, marker: str) -> bool:
    """Whether the fake Slack holds a message whose blocks carry the marker."""
    return any(marker in str(m.get("blocks")) for m in env.slack.messages.values())


def main() -> None:
    with environment() as env:
        web_port = port()
        web = start(env, "bot.cli", "serve", "--port", str(web_port))
        worker = start(env, "bot.cli", "worker")
        url = f"http://127.0.0.1:{web_port}"
        try:
            wait_healthy(url + "/healthz")
            latencies = []
            with httpx.Client() as client:
                for n in range(1, CASES + 1):
                    # Twenty channels in turn: each case meets a quiet channel, so this measures the
                    # product's latency, not the one-message-a-second channel pacing of a backlog.
                    body = slash_command_body(
                        f"help {REPORTS[n % len(REPORTS)]}",
                        trigger_id=f"case.{n}",
                        channel_id=f"C0B{n % 20:02d}",
                    )
                    started = time.perf_counter()
                    assert client.post(
                        url + "/slack/events", content=body, headers=signed_headers(body)
                    ).is_success
                    marker = f"Diagnosis for FM-{n}*"
                    done = env.slack.wait_for(functools.partial(diagnosed, env, marker), timeout=30)
                    assert done, f"case {n} not diagnosed"
                    latencies.append((time.perf_counter() - started) * 1000)
            print(f"slash command -> diagnosis in thread, offline engine, {CASES} cases over 20 channels")
            print(f"  {summary(latencies)}  (goal p95 <= 1000 ms)")
            print(f"  RSS web {rss_mib(web.pid):.0f} MiB, worker {rss_mib(worker.pid):.0f} MiB")
        finally:
            stop(web, worker)


if __name__ == "__main__":
    main()
