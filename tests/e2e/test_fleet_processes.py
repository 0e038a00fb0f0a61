"""Many processes, one PostgreSQL and one Redis: 2 `serve` + 3 `worker`, a worker SIGKILLed mid-job.

300 cases (slash commands), 300 thread replies (message events, a quarter redelivered by Slack to
the other web process) and 300 vote clicks (some delivered twice) are spread over both web processes;
one worker is killed while it runs a job and a replacement started. Afterwards nothing is lost and
nothing is doubled: rows in SQL, and posts in the recording Slack API. Slow: it runs in `make e2e`
(marker `fleet`), which `make test` calls; plain `pytest` leaves it out. FLEET_CASES, FLEET_REPLIES and
FLEET_CLICKS scale it down for a quick local look.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from rq.serializers import JSONSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bench.reliability.stack import Stack
from tests.e2e.fleet_traffic import (
    CHANNELS,
    VOTERS,
    Case,
    Traffic,
    bot_messages,
    duplicate_posts,
    feedback_prompt,
    has_text,
    roots_by_case,
    threads,
)
from tests.polling import poll_until

pytestmark = [pytest.mark.e2e, pytest.mark.fleet]

CASES = int(os.environ.get("FLEET_CASES", "300"))
REPLIES = min(CASES, int(os.environ.get("FLEET_REPLIES", "300")))
CLICKS = int(os.environ.get("FLEET_CLICKS", "300"))
VOTED_CASES = min(CASES, CLICKS // len(VOTERS))
WORKER_QUEUES = ("high", "default,low", "high,default,low")
DEADLINE_SECONDS = 240


@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip(
            "NO POSTGRESQL: the many-process test needs one (set TEST_DATABASE_URL; `make e2e` detects a "
            "local one at 127.0.0.1:5432)"
        )
    name = f"fm_fleet_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as error:
        admin.dispose()
        pytest.skip(f"NO POSTGRESQL: cannot create a database at {make_url(base)!r}: {error}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fleet(tmp_path: Path, database_url: str) -> Iterator[Stack]:
    stack = Stack(
        tmp_path / "fleet",
        {
            "DATABASE_URL": database_url,
            # A dead worker's job is re-run ~2 s after its last lease renewal.
            "FAULTMAVEN_JOB_LEASE_SECONDS": "2",
            "FAULTMAVEN_CHANNEL_MESSAGE_INTERVAL": "0.05",
            "LOG_LEVEL": "WARNING",
        },
        webs=2,
    )
    try:
        # Both web processes and every worker start at once; migrations serialise on an advisory lock.
        stack.start_web(wait=False)
        for queues in WORKER_QUEUES:
            stack.start_worker(queues)
        ready = stack.wait(lambda: all(_ready(stack, n) for n in range(len(stack.ports))), timeout=90)
        assert ready is not None, stack.logs()[-5000:]
        yield stack
    finally:
        stack.stop()


def _ready(stack: Stack, web: int) -> bool:
    return stack.http.get(stack.url_of(web) + "/readyz").status_code == 200


def _busy_worker_pid(stack: Stack, queues: str) -> int | None:
    """The pid of the worker on `queues` while it is running a job, else None."""
    redis = Redis.from_url(stack.redis.url)
    for worker in Worker.all(connection=redis, serializer=JSONSerializer):
        names = ",".join(q.name for q in worker.queues)
        if names == queues and worker.get_current_job_id():
            return worker.pid
    return None


def test_two_webs_three_workers_on_postgresql_lose_and_double_nothing(fleet: Stack) -> None:
    started = time.monotonic()
    traffic = Traffic(fleet)
    cases = [Case(n, CHANNELS[n % len(CHANNELS)]) for n in range(CASES)]
    try:
        acks = [traffic.open_case(case) for case in cases]
        # SIGKILL the all-queues worker in the middle of a job once a third of the cases are in.
        for ack in acks[: CASES // 3]:
            ack.result()
        doomed_pid = poll_until(lambda: _busy_worker_pid(fleet, WORKER_QUEUES[2]), timeout=20, interval=0.01)
        doomed = next(w for w in fleet.workers if w.pid == doomed_pid)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        killed_at = time.monotonic() - started
        fleet.start_worker(WORKER_QUEUES[2])  # what a process manager does

        for case, ack in zip(cases, acks, strict=True):
            case.case_id = ack.result()
        assert not traffic.tally.refused, traffic.tally.refused[:5]

        acked = time.monotonic() - started
        _drive(fleet, traffic, cases)
        traffic.wait()
        driven = time.monotonic() - started
        settled = fleet.wait(lambda: _settled(fleet), timeout=DEADLINE_SECONDS)
        took = time.monotonic() - started
        assert settled is not None, f"jobs still pending after {took:.0f} s\n{fleet.logs()[-5000:]}"
    finally:
        traffic.close()

    jobs, late = fleet.sql(
        "SELECT count(*), count(*) FILTER (WHERE job_name = 'match_thread_reply') FROM outbox"
    )[0]
    figures = (
        f"fleet: {CASES} cases, {REPLIES} replies, {VOTED_CASES * len(VOTERS)} clicks, sent "
        f"{traffic.tally.sent}; worker {doomed_pid} killed at {killed_at:.1f} s; cases acked at "
        f"{acked:.1f} s, all sent at {driven:.1f} s, settled at {took:.1f} s; {jobs} outbox jobs, "
        f"{late} of them replies that arrived before their case stored its thread"
    )
    print(f"\n{figures}")
    assert not traffic.tally.refused, traffic.tally.refused[:5]
    _assert_nothing_lost_or_doubled(fleet, cases)
    assert took < DEADLINE_SECONDS


def _drive(fleet: Stack, traffic: Traffic, cases: list[Case]) -> None:
    """Reply in each thread once its root is posted; resolve, then vote, on the first VOTED_CASES."""
    by_id = {case.case_id: case for case in cases}
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        messages = bot_messages(fleet)
        for case_id, roots in roots_by_case(messages).items():
            case = by_id.get(case_id)
            if case is not None and case.root_ts is None:
                case.root_ts = roots[0]["ts"]
                if case.n < REPLIES:
                    traffic.reply(case, redeliver=case.n % 4 == 0)
        in_threads = threads(messages)
        for case in cases[:VOTED_CASES]:
            thread = in_threads.get((case.channel, case.root_ts or ""), [])
            if case.root_ts and not case.resolve_sent and has_text(thread, _is_suggestion):
                traffic.resolve(case)
            prompt = feedback_prompt(thread)
            if prompt is not None and not case.voted:
                traffic.vote(case, prompt, double=case.n % 5 == 0)
        if all(c.root_ts for c in cases) and all(c.voted for c in cases[:VOTED_CASES]):
            return
        fleet.wait(lambda: False, timeout=0.3)
    missing = [c.n for c in cases if not c.root_ts or (c.n < VOTED_CASES and not c.voted)]
    raise AssertionError(f"cases never got a root or a vote prompt: {missing[:20]}\n{fleet.logs()[-5000:]}")


def _is_suggestion(text: str) -> bool:
    return text.startswith("Similar runbooks:")


def _settled(fleet: Stack) -> bool:
    """Every stored job finished, nothing queued, and every vote counted."""
    unfinished = fleet.sql("SELECT count(*) FROM outbox WHERE finished_at IS NULL")[0][0]
    votes = fleet.sql("SELECT count(*) FROM runbook_votes")[0][0]
    return unfinished == 0 and fleet.queued_jobs() == 0 and votes >= VOTED_CASES * len(VOTERS)


def _assert_nothing_lost_or_doubled(fleet: Stack, cases: list[Case]) -> None:
    # SQL: one row per case, per reply and per (case, runbook, voter); no second of anything.
    case_ids = {c.case_id for c in cases}
    assert len(case_ids) == CASES
    assert fleet.sql("SELECT count(*), count(DISTINCT dedupe_key) FROM cases")[0] == (CASES, CASES)
    replies = fleet.sql("SELECT count(*), count(DISTINCT slack_ts) FROM case_messages WHERE NOT from_bot")[0]
    assert replies == (REPLIES, REPLIES)
    resolutions = fleet.sql("SELECT count(*), count(DISTINCT case_id) FROM case_resolutions")[0]
    assert resolutions == (VOTED_CASES, VOTED_CASES)
    votes = fleet.sql(
        "SELECT user_id, worked, count(*) FROM runbook_votes GROUP BY user_id, worked ORDER BY user_id"
    )
    expected = sorted((user, user != VOTERS[2], VOTED_CASES) for user in VOTERS)
    assert sorted(tuple(v) for v in votes) == expected
    assert fleet.failed_jobs() == 0, fleet.logs()[-5000:]

    # Slack: one root per case, one answer per reply, and no bot post repeated in any thread.
    messages = bot_messages(fleet)
    roots = roots_by_case(messages)
    assert {case_id: len(r) for case_id, r in roots.items() if len(r) != 1} == {}
    assert set(roots) == case_ids
    in_threads = threads(messages)
    doubled = {key: duplicate_posts(thread) for key, thread in in_threads.items() if duplicate_posts(thread)}
    assert doubled == {}, doubled
    for case in cases[:VOTED_CASES]:
        thread = in_threads[(case.channel, case.root_ts or "")]
        assert sum(m.get("text") == "Did these runbooks help?" for m in thread) == 1
