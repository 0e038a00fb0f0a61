"""The web process's own routes."""

from __future__ import annotations

from starlette.testclient import TestClient

from bot.services import build_services
from bot.settings import Settings
from bot.web import create_web_app


def test_healthz_is_ok_when_database_and_redis_answer(web: TestClient) -> None:
    response = web.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "ok", "redis": "ok", "slack": "configured"}


def test_healthz_is_503_when_redis_is_down(settings: Settings) -> None:
    services = build_services(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    response = TestClient(create_web_app(services, None)).get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")
    assert response.json()["database"] == "ok"


def test_slack_route_without_configuration_explains_what_to_set(settings: Settings) -> None:
    services = build_services(settings)
    response = TestClient(create_web_app(services, None)).post("/slack/events", content="{}")

    assert response.status_code == 503
    assert "SLACK_BOT_TOKEN" in response.json()["hint"]
