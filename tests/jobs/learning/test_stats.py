"""`/faultmaven stats`: figures equal a seeded history's known answers; the chart is an 800×400 PNG."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from starlette.testclient import TestClient

from bot.services import Services
from engine.learning.figures import wilson_interval
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.cases import NewCase
from storage.db import make_session_factory
from storage.llm_usage import LlmUsageRepository, UsageRecord
from storage.models import utcnow
from storage.outcomes import OutcomeFields, OutcomeRepository
from storage.runbook_feedback import RunbookFeedbackRepository
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.runbooks.runbook_helpers import slash


@dataclass(frozen=True)
class Seed:
    service: str
    category: str
    level: str | None  # None: still open
    minutes: int = 0
    runbook_vote: bool | None = None  # a runbook suggested, and voted worked (True) / failed (False)


# Known answers for cache-01 (7 cases): 6 resolved with times 10, 20, 30, 40, 50, 600 min →
# median 35 min, p90 (nearest rank, 6th of 6) 10 h; levels L1 3, L2 1, L3 1, escalated 1.
HISTORY = [
    Seed("cache-01", "database", "L1", 10, True),
    Seed("cache-01", "database", "L1", 20, True),
    Seed("cache-01", "database", "L1", 30, True),
    Seed("cache-01", "database", "L2", 40),
    Seed("cache-01", "database", "L3", 50, False),
    Seed("cache-01", "database", "escalated", 600),
    Seed("cache-01", "database", None),
    Seed("web-03", "resource_exhaustion", "L3", 5),
]


def seed(services: Services, library: RunbookLibrary) -> int:
    """Cases, outcomes, runbook suggestions and votes, and LLM spend, written as the product writes them."""
    sessions = make_session_factory(services.db)
    outcomes = OutcomeRepository(sessions, wilson_interval)
    feedback = RunbookFeedbackRepository(sessions)
    redis = library.search("redis OOM command not allowed maxmemory", k=1)[0].runbook
    for n, s in enumerate(HISTORY):
        new = NewCase(
            f"seed:{n}", "form", "C111", f"case {n}", "seeded", "W1", "high", "investigating", s.service
        )
        case, _job, _created = services.cases.open_case(new, "diagnose_case")
        if s.runbook_vote is not None:
            library.repo.record_suggestions(case.id, [(redis.id, 0.8)])
            feedback.record_vote(case.id, redis.id, "W1", s.runbook_vote)
        if s.level is None:
            continue
        opened = utcnow() - timedelta(minutes=s.minutes)
        signature = f"{s.category}|runbook:{redis.id}|{s.service}"
        outcomes.record(
            OutcomeFields(
                case_id=case.id,
                resolution_id=None,
                channel_id="C111",
                signature=signature,
                category=s.category,
                pattern=f"runbook:{redis.id}",
                service=s.service,
                level=s.level,
                fix_key="",
                success=s.level != "escalated",
                failed_fix_keys="",
                inferred=True,
                stated_fix="seeded",
                opened_at=opened,
                resolved_at=opened + timedelta(minutes=s.minutes),
                time_to_resolution_s=s.minutes * 60,
                time_to_first_useful_s=None,
            ),
            "resolved",
        )
    spend = UsageRecord("claude", "diagnose", "ok", 100, 50, 0, 0, 0.25, 900)
    LlmUsageRepository(sessions).record(
        1, "seed:1", [spend, UsageRecord(**{**spend.__dict__, "cost_usd": 0.17})]
    )
    return redis.id


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_stats_for_a_service_equal_the_seeded_answers_and_the_chart_is_a_png(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    redis_id = seed(services, runbook_library)

    slash(web, "stats 30d cache-01", "W5")
    run_jobs()

    [posted] = [c.params for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == "C111"]
    shown = json.dumps(posted["blocks"], ensure_ascii=False)
    assert "last 30 days · service `cache-01`" in shown
    assert "7 opened · 6 resolved · time to resolution median 35 min, p90 10 h" in shown
    assert "L1 known fix 3 · L2 FaultMaven's lead 1 · L3 team alone 1 · escalated 1" in shown
    # With a runbook: 4 cases (10, 20, 30, 50 min), all resolved; without: 3 cases, 2 resolved (40, 600).
    assert "*With a runbook:* 4 cases, 100% resolved, median 25 min" in shown
    assert "*without:* 3 cases, 67% resolved, median 5 h 20 min" in shown
    assert f"*Runbook leaders:* RB-{redis_id:04d}" in shown and " 3/4" in shown
    assert f"database · RB-{redis_id:04d} · cache-01 ×6" in shown
    assert "web-03" not in shown and "*LLM cost:* $0.42" in shown
    assert "0 requested" in shown

    [upload] = slack.calls_to("files.completeUploadExternal")
    [reply_ts] = [ts for ts, m in slack.messages.items() if m["text"].startswith("FaultMaven figures")]
    assert upload.params["thread_ts"] == reply_ts, "the chart is uploaded into the reply's thread"
    file_id = json.loads(upload.params["files"])[0]["id"]
    assert png_size(slack.workspace.files[file_id]["content"]) == (800, 400)


def test_stats_across_services_and_bad_arguments(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    seed(services, runbook_library)

    usage = slash(web, "stats 14d", "W5")
    slash(web, "stats", "W6")
    run_jobs()

    assert "stats [7d|30d|90d] [service]" in usage.text
    [posted] = [c.params for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == "C111"]
    shown = json.dumps(posted["blocks"], ensure_ascii=False)
    # 7 resolved: 5, 10, 20, 30, 40, 50, 600 min → median 30 min; p90 is the 7th of 7.
    assert "8 opened · 7 resolved · time to resolution median 30 min, p90 10 h" in shown
    assert "resource_exhaustion 1 (5 min / p90 5 min)" in shown
    assert "cache-01 6 (35 min / p90 10 h)" in shown and "web-03 1" in shown
