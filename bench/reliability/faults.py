"""Process and dependency faults: SIGKILLed workers, a Redis outage, a Slack 429 storm, a hanging Slack."""

from __future__ import annotations

import contextlib
import json
import random
import time

import httpx

from bench.reliability.stack import CHANNELS, Result, Stack
from tests.fakes.signing import signed_headers, slash_command_body

REPORT = "checkout pods OOMKilled since the deploy, exit code 137"


def _thread_problems(stack: Stack) -> tuple[int, int]:
    """(duplicate or orphaned bot posts, cases whose thread is wrong) over every case."""
    problems = 0
    wrong = 0
    roots = stack.root_messages()
    rows = stack.sql("SELECT channel_id, root_ts FROM cases")
    case_roots = {(channel, ts) for channel, ts in rows}
    orphans = [m for m in roots if (m.get("channel"), m.get("ts")) not in case_roots]
    problems += len(orphans)
    for channel, root_ts in case_roots:
        if root_ts is None:
            wrong += 1
            continue
        posts = [
            m
            for m in stack.slack.thread(channel, root_ts)
            if m.get("user") in (None, "U0FMBOT") or m.get("bot_id")
        ]
        progress = [
            m
            for m in posts
            if "Investigating" in str(m.get("text")) or "Investigating" in json.dumps(m.get("blocks") or [])
        ]
        if progress:
            problems += len(progress)
            wrong += 1
    return problems, wrong


def sigkills(stack: Stack, kills: int) -> Result:
    """The workers killed mid-job `kills` times while cases arrive; new ones each time."""
    rng = random.Random(3)
    stack.ensure_worker()
    for n in range(kills):
        stack.command(f"help {REPORT} (kill {n})", f"kill.{n}", channel=CHANNELS[n % len(CHANNELS)])
        time.sleep(rng.uniform(0.05, 0.6))
        stack.kill_workers()
        stack.start_workers()
    last_kill = time.monotonic()
    waited = stack.wait(lambda: stack.diagnosed_cases("(kill ") >= kills, timeout=180)
    took = time.monotonic() - last_kill if waited is not None else float("inf")
    time.sleep(2)
    problems, _wrong = _thread_problems(stack)
    diagnosed = stack.diagnosed_cases("(kill ")
    met = diagnosed == kills and took <= 60 and problems == 0
    figure = (
        f"{diagnosed}/{kills} diagnosed {took:.0f} s after the last kill; {problems} duplicate/orphaned posts"
    )
    return Result(f"{kills} SIGKILLs mid-job", "100% within 60 s; 0 duplicate/orphaned posts", figure, met)


def redis_outage(stack: Stack, commands: int, down_seconds: float) -> Result:
    """Redis stopped while commands arrive: each is acked honestly, then diagnosed once Redis is back."""
    stack.ensure_worker()
    time.sleep(1)
    stack.redis.stop()
    honest = 0
    started = time.monotonic()
    for n in range(commands):
        body = slash_command_body(
            f"help {REPORT} (outage {n})", trigger_id=f"outage.{n}", channel_id=CHANNELS[n % len(CHANNELS)]
        )
        response = stack.post_slack(body, signed_headers(body))
        if response.status_code == 200 and "FM-" in response.text:
            honest += 1
        time.sleep(max(0.0, down_seconds / commands * 0.5))
    time.sleep(max(0.0, down_seconds - (time.monotonic() - started)))
    stack.restart_redis()
    back = time.monotonic()
    waited = stack.wait(lambda: stack.diagnosed_cases("(outage ") >= commands, timeout=120)
    took = time.monotonic() - back if waited is not None else float("inf")
    diagnosed = stack.diagnosed_cases("(outage ")
    met = honest == commands and diagnosed == commands and took <= 30
    figure = (
        f"{honest}/{commands} acked with the case; {diagnosed} diagnosed {took:.0f} s after Redis returned"
    )
    return Result(
        f"Redis down {down_seconds:.0f} s during {commands} commands",
        "100% acked; 100% diagnosed within 30 s",
        figure,
        met,
    )


def storm(stack: Stack, alerts: int, storm_seconds: float, interval: float, burst: int = 2) -> Result:
    """Slack answers 429 (Retry-After 1 s) for a while during an alert flood; pacing and updates hold.

    Held means: nobody calls chat.postMessage on a channel within a Retry-After of a 429 there, and no
    window of five intervals carries more than five posts plus the configured burst.
    """
    stack.ensure_worker()
    stack.slack.fail_for("chat.postMessage", seconds=storm_seconds, retry_after=1)
    accepted = sum(stack.alert(_alert(n % 20, n)) == 202 for n in range(alerts))
    stack.wait(lambda: _lost_updates(stack, accepted) == 0, timeout=60 + alerts * interval)
    lost = _lost_updates(stack, accepted)
    early, busiest = _pace_breaches(stack, interval)
    held = early == 0 and busiest <= 5 + burst - 1
    figure = (
        f"{lost} lost updates of {accepted}; {early} posts inside a Retry-After; "
        f"busiest {5 * interval:.0f} s window {busiest} posts (limit {5 + burst - 1})"
    )
    return Result(
        f"Slack 429 storm during {alerts}-alert flood",
        "0 lost updates; per-channel rate held",
        figure,
        lost == 0 and held,
    )


def _pace_breaches(stack: Stack, interval: float) -> tuple[int, int]:
    """(attempts within 1 s after a 429 on their channel, most attempts in any 5-interval window)."""
    attempts: dict[str, list[float]] = {}
    refusals: dict[str, list[float]] = {}
    for method, into in (("chat.postMessage", attempts), ("chat.postMessage:failed", refusals)):
        for call in stack.slack.calls_to(method):
            into.setdefault(str(call.params.get("channel")), []).append(call.at)
    early = 0
    busiest = 0
    for channel, refused in refusals.items():
        every = sorted(attempts.get(channel, []) + refused)
        early += sum(1 for r in refused for t in every if r < t < r + 1 - 0.05)
    for channel, times in attempts.items():
        every = sorted(times + refusals.get(channel, []))
        for i, start in enumerate(every):
            busiest = max(busiest, sum(1 for t in every[i:] if t < start + 5 * interval))
    return early, busiest


def _lost_updates(stack: Stack, accepted: int) -> int:
    """Accepted alerts not stored, not processed, whose thread line never reached Slack, or whose
    incident has no case thread."""
    stored, unprocessed, unposted = stack.sql(
        "SELECT count(*), sum(processed_at IS NULL), sum(thread_line IS NOT NULL AND posted_ts IS NULL) "
        "FROM incident_events WHERE source = 'alertmanager'"
    )[0]
    no_thread = stack.sql(
        "SELECT count(*) FROM incidents i LEFT JOIN cases c ON c.id = i.case_id "
        "WHERE i.source = 'alertmanager' AND (c.root_ts IS NULL)"
    )[0][0]
    return int(accepted - stored) + int(unprocessed or 0) + int(unposted or 0) + int(no_thread or 0)


def _alert(group: int, n: int) -> dict[str, object]:
    labels = {"alertname": f"HighErrorRate{group}", "service": f"svc-{group}", "instance": f"pod-{n}"}
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="HighErrorRate{group}"}}',
        "status": "firing",
        "receiver": "faultmaven",
        "groupLabels": {"alertname": f"HighErrorRate{group}"},
        "commonLabels": {"alertname": f"HighErrorRate{group}"},
        "commonAnnotations": {"summary": f"error rate above 5% on svc-{group}"},
        "externalURL": "http://alertmanager.invalid",
        "alerts": [
            {
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": f"alert {n}"},
                "startsAt": "2026-11-29T10:00:00Z",
                "fingerprint": f"fp{n:05d}",
            }
        ],
        "truncatedAlerts": 0,
    }


def slow_slack(stack: Stack, requests: int) -> Result:
    """While Slack answers 429 for everything, every listener still answers Slack within 1 s."""
    stack.ensure_worker()
    worst = 0.0
    for method in (
        "views.open",
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "conversations.join",
    ):
        stack.slack.fail_next(method, 429, retry_after=30, count=10_000)
    for n in range(requests):
        text = ("run", "runbook review", "help slow slack", "search redis", "runbook show RB-1")[n % 5]
        body = slash_command_body(text, trigger_id=f"slow.{n}")
        started = time.perf_counter()
        # A timeout counts as the time it took to give up.
        with contextlib.suppress(httpx.TimeoutException):
            stack.post_slack(body, signed_headers(body))
        worst = max(worst, time.perf_counter() - started)
    stack.slack.reset()
    return Result(
        "every listener while Slack answers 429",
        "answers within 1 s",
        f"slowest {worst * 1000:.0f} ms",
        worst <= 1.0,
    )
