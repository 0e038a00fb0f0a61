"""Channel pacing through Redis holds across processes and under a 429 storm."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from redis import Redis

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from jobs.pacing import ChannelPacer
from jobs.runtime import JobContext
from jobs.slack import make_web_client
from jobs.worker import run_worker
from tests.conftest import BOT_TOKEN
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_cases import open_case

INTERVAL = 0.4


def gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in itertools.pairwise(ordered)]


def test_two_pacers_sharing_redis_hand_out_distinct_slots(redis_url: str) -> None:
    # Two pacers = two worker processes: the slot lives in Redis, not in either of them.
    first, second = (ChannelPacer(Redis.from_url(redis_url), INTERVAL) for _ in range(2))
    waits = [first.wait_turn("C1"), second.wait_turn("C1"), first.wait_turn("C2")]

    assert waits[0] == 0.0 and waits[2] == 0.0  # another channel is not held up
    assert INTERVAL - 0.05 <= waits[1] <= INTERVAL + 0.05


def test_a_quiet_channel_takes_a_short_burst_then_the_steady_pace(redis_url: str) -> None:
    # A new case's root and its "Investigating…" go out together; the third message waits its turn.
    pacer = ChannelPacer(Redis.from_url(redis_url), INTERVAL, burst=2)
    waits = [pacer.wait_turn("C1") for _ in range(4)]

    assert waits[0] == 0.0 and waits[1] == 0.0
    assert all(INTERVAL - 0.05 <= w <= INTERVAL + 0.05 for w in waits[2:]), waits


def test_no_burst_right_after_slack_said_429(redis_url: str) -> None:
    pacer = ChannelPacer(Redis.from_url(redis_url), INTERVAL, burst=3)
    pacer.defer("C1", 0.3)
    waits = [pacer.wait_turn("C1") for _ in range(3)]

    assert 0.2 <= waits[0] <= 0.35  # the hold first
    assert all(INTERVAL - 0.05 <= w <= INTERVAL + 0.05 for w in waits[1:]), waits


def test_a_deferral_holds_every_sender_until_it_passes(redis_url: str) -> None:
    pacer = ChannelPacer(Redis.from_url(redis_url), 0.0)
    pacer.defer("C1", 0.5)

    assert 0.4 <= pacer.wait_turn("C1") <= 0.55


def test_new_messages_keep_their_pace_through_a_429_storm(redis_url: str, slack: FakeSlackApi) -> None:
    slack.fail_for("chat.postMessage", seconds=1.5, retry_after=1)
    clients = [  # one client (and pacer) per pretend worker process
        make_web_client(BOT_TOKEN, slack.base_url, ChannelPacer(Redis.from_url(redis_url), INTERVAL))
        for _ in range(3)
    ]
    posted: list[str] = []

    def post(n: int) -> None:
        resp = clients[n % 3].chat_postMessage(channel="C0FLOOD", text=f"alert {n}")
        posted.append(str(resp["ts"]))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(posted) == 6  # nothing lost
    refused = [c.at for c in slack.calls_to("chat.postMessage:failed")]
    accepted = [c.at for c in slack.calls_to("chat.postMessage")]
    assert refused and len(accepted) == 6
    # Every attempt, refused or not, kept the channel's pace; none burst out when the storm ended.
    assert min(gaps(refused + accepted)) >= INTERVAL - 0.05, gaps(refused + accepted)
    # Nobody called Slack on this channel within a Retry-After (1 s) of a 429.
    for refusal in refused:
        assert not [t for t in refused + accepted if refusal < t < refusal + 1 - 0.05], (
            refusal,
            gaps(refused),
        )


def test_diagnose_case_posts_keep_the_channel_pace_through_a_429_storm(
    services: Services, slack: FakeSlackApi, job_context: JobContext, run_jobs: Callable[[], None]
) -> None:
    job_context.slack = make_web_client(BOT_TOKEN, slack.base_url, ChannelPacer(services.redis, INTERVAL))
    for n in range(3):
        open_case(services, f"checkout pods OOMKilled, report {n}", key=f"slash:{n}")
    slack.fail_for("chat.postMessage", seconds=1.0, retry_after=1)

    run_jobs()

    accepted = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == "C111"]
    refused = [c.at for c in slack.calls_to("chat.postMessage:failed")]
    roles = sorted(str(c.params["metadata"]["event_payload"]["role"]) for c in accepted)
    assert refused and roles == ["progress"] * 3 + ["root"] * 3  # every case, and nothing twice
    assert min(gaps(refused + [c.at for c in accepted])) >= INTERVAL - 0.05


def test_a_busy_channel_yields_the_worker_to_cases_in_other_channels(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    job_context.slack = make_web_client(BOT_TOKEN, slack.base_url, ChannelPacer(services.redis, INTERVAL))
    busy = [open_case(services, f"checkout pods OOMKilled, report {n}", key=f"slash:{n}") for n in range(3)]
    quiet = services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:quiet", source="slash", channel_id="C222", reporter_id="W1", text="redis OOM"
        )
    ).case_id

    run_worker(job_context, services.queue, burst=True, queues=("high",))

    posts = slack.calls_to("chat.postMessage")
    by_channel = {
        channel: [c for c in posts if c.params["channel"] == channel] for channel in ("C111", "C222")
    }
    # The quiet channel's case did not wait behind the busy channel's pace: its root went out
    # before the busy channel's third root.
    quiet_root = by_channel["C222"][0].at
    busy_roots = [c.at for c in by_channel["C111"] if c.params["metadata"]["event_payload"]["role"] == "root"]
    assert len(busy_roots) == 3 and quiet_root < sorted(busy_roots)[-1]
    # Re-queued jobs still post everything exactly once, at the channel's pace, and diagnose every case.
    roles = sorted(str(c.params["metadata"]["event_payload"]["role"]) for c in by_channel["C111"])
    assert roles == ["progress"] * 3 + ["root"] * 3
    assert min(gaps([c.at for c in by_channel["C111"]])) >= INTERVAL - 0.05
    for case_id in [*busy, quiet]:
        case = services.cases.get(case_id)
        assert case is not None and case.diagnosis_json is not None
    # Yielding is not failing: nothing in RQ's failed registry, every outbox entry finished.
    assert services.queue.queue("high").failed_job_registry.count == 0
    assert services.cases.leases.oldest_unfinished() is None
