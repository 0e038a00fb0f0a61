"""Driving cases to resolution as Slack would: reports through intake, `@FaultMaven resolve …` in threads."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from starlette.testclient import TestClient

from bot.services import Services
from jobs.cases.intake import NewCaseRequest
from storage.models import Case
from tests.fakes.signing import event_body, signed_headers

_ids = count(1)


def open_case(
    services: Services, run_jobs: Callable[[], None], text: str, channel: str = "C111", reporter: str = "W111"
) -> Case:
    """Report a problem as a slash command would and let the worker diagnose it."""
    key = f"slash:learn{next(_ids)}"
    services.intake.open_case(
        NewCaseRequest(dedupe_key=key, source="slash", channel_id=channel, reporter_id=reporter, text=text)
    )
    run_jobs()
    case = services.cases.find_by_dedupe_key(key)
    assert case is not None and case.root_ts is not None
    return case


def resolve(web: TestClient, case: Case, summary: str, user: str = "W222") -> None:
    """`@FaultMaven resolve <summary>` in the case thread, delivered as Slack does (message + app_mention)."""
    n = next(_ids)
    base = {
        "channel": case.channel_id,
        "user": user,
        "text": f"<@U0FMBOT> resolve {summary}",
        "ts": f"1800000{n:03d}.000100",
        "thread_ts": case.root_ts,
    }
    for kind in ("message", "app_mention"):
        body = event_body({**base, "type": kind}, f"EvL{n}{kind[0]}")
        headers = signed_headers(body, content_type="application/json")
        assert web.post("/slack/events", content=body, headers=headers).status_code == 200
