"""GET /readyz: ready only while a worker beats; reports the outbox backlog's age."""

from __future__ import annotations

from starlette.testclient import TestClient

from bot.services import Services, build_services
from bot.settings import Settings
from bot.web import create_web_app
from jobs.cases.intake import NewCaseRequest
from jobs.heartbeat import WORKER_STALE_AFTER_SECONDS, WORKERS_KEY, record_beat
from tests.polling import poll_until


def test_readyz_is_503_until_a_worker_beats_then_200(web: TestClient, services: Services) -> None:
    before = web.get("/readyz")
    assert before.status_code == 503
    assert before.json()["workers_alive"] == 0

    record_beat(services.redis, "host:1")

    after = web.get("/readyz")
    assert after.status_code == 200
    assert after.json()["workers_alive"] == 1
    assert 0 <= after.json()["last_heartbeat_age_seconds"] < 5


def test_readyz_forgets_a_worker_whose_last_beat_is_stale(web: TestClient, services: Services) -> None:
    seconds, _micros = services.redis.time()
    services.redis.zadd(WORKERS_KEY, {"host:gone": float(seconds) - WORKER_STALE_AFTER_SECONDS - 1})

    assert web.get("/readyz").status_code == 503


def test_readyz_reports_how_long_the_oldest_outbox_job_has_waited(
    web: TestClient, services: Services
) -> None:
    record_beat(services.redis, "host:1")
    assert web.get("/readyz").json()["outbox_backlog_age_seconds"] == 0.0
    services.intake.open_case(
        NewCaseRequest(dedupe_key="k1", source="slash", channel_id="C1", reporter_id="W1", text="disk full")
    )

    age = poll_until(lambda: web.get("/readyz").json()["outbox_backlog_age_seconds"], timeout=5)

    assert 0 < age < 5


def test_readyz_is_503_when_redis_is_down(settings: Settings) -> None:
    services = build_services(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    response = TestClient(create_web_app(services, None)).get("/readyz")

    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
