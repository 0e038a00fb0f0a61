"""Nothing is lost when Redis is down: the outbox is swept once it is back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.services import Services, build_services
from bot.settings import Settings
from jobs.cases.intake import NewCaseRequest, sweep_outbox
from tests.fakes.slack_api import FakeSlackApi


def test_case_opened_while_redis_down_is_diagnosed_after_sweep(
    settings: Settings, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    down = build_services(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    result = down.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:x", source="slash", channel_id="C111", reporter_id="W1", text="disk full"
        )
    )
    assert not result.queued

    assert sweep_outbox(services.cases, services.queue, grace=timedelta(0)) == 1
    assert sweep_outbox(services.cases, services.queue, grace=timedelta(0)) == 0, (
        "queued job is not re-enqueued"
    )
    run_jobs()

    case = services.cases.get(result.case_id)
    assert case is not None and case.diagnosis_json is not None
    assert services.cases.unclaimed_jobs(timedelta(0)) == []
    assert len(slack.calls_to("chat.postMessage")) == 2
