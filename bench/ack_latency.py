"""Slash-command ack latency: FaultMaven vs a bare Bolt app (ack + one enqueue), same run, same stack."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.harness import environment, port, start, stop, summary, wait_healthy
from tests.fakes.signing import signed_headers, slash_command_body

REQUESTS = 400
_ids = itertools.count()


def measure(url: str, concurrency: int, requests: int = REQUESTS) -> list[float]:
    """Milliseconds per signed slash command, at the given number of concurrent clients."""

    def one(client: httpx.Client) -> float:
        body = slash_command_body("help redis is OOM-killing on cache-01", trigger_id=f"bench.{next(_ids)}")
        response = client.post(url, content=body, headers=signed_headers(body))
        assert response.status_code == 200, response.text
        return response.elapsed.total_seconds() * 1000

    with httpx.Client(limits=httpx.Limits(max_connections=concurrency)) as client:
        for _ in range(20):  # warm-up
            one(client)
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(lambda _: one(client), range(requests)))


def main() -> None:
    with environment() as env:
        fm_port, bare_port = port(), port()
        web = start(env, "bot.cli", "serve", "--port", str(fm_port))
        bare = start(env, "bench.bare_app", "--port", str(bare_port))
        try:
            wait_healthy(f"http://127.0.0.1:{fm_port}/healthz")
            wait_healthy(f"http://127.0.0.1:{bare_port}/healthz")
            print("slash command ack latency (loopback, signed requests)")
            for concurrency in (1, 50):
                fm = measure(f"http://127.0.0.1:{fm_port}/slack/events", concurrency)
                floor = measure(f"http://127.0.0.1:{bare_port}/slack/events", concurrency)
                fm_p50, floor_p50 = sorted(fm)[len(fm) // 2], sorted(floor)[len(floor) // 2]
                print(f"  concurrency {concurrency:>2}  FaultMaven  {summary(fm)}")
                print(f"  concurrency {concurrency:>2}  bare Bolt   {summary(floor)}")
                print(f"  concurrency {concurrency:>2}  ratio p50 {fm_p50 / floor_p50:.2f}x (goal <= 1.5x)")
        finally:
            stop(web, bare)


if __name__ == "__main__":
    main()
