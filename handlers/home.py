"""App Home: when someone opens the Home tab, enqueue publishing it (the worker reads SQL and Slack)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_bolt import App

from jobs.learning.requests import LearningRequests


class HomeOpened(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user: str
    tab: str = "home"
    event_ts: str = ""


def register(app: App, requests: LearningRequests) -> None:
    """Attach the app_home_opened listener."""

    @app.event("app_home_opened")
    def handle_home_opened_event(event: dict[str, Any]) -> None:
        opened = HomeOpened.model_validate(event)
        if opened.tab == "home":
            requests.publish_home(f"{opened.user}:{opened.event_ts}", opened.user)
