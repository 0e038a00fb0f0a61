"""A click on "how was it resolved?": parse the value, enqueue recording it."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from handlers.actions import ButtonClick
from jobs.learning.requests import LearningRequests

_LEVEL_BUTTON = re.compile(r"^fm_resolution_level_(L1|L2|L3|escalated)$")
_VALUE = re.compile(r"^(?P<case>[0-9]{1,9}):(?P<level>L1|L2|L3|escalated)$")


def register(app: App, requests: LearningRequests) -> None:
    """Attach the resolution-level buttons."""

    @app.action(_LEVEL_BUTTON)
    def handle_resolution_level_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = ButtonClick.from_body(body)
        value = _VALUE.match(click.value)
        if value is not None and click.channel_id:
            requests.resolution_level(
                f"{click.action_ts}:{click.user_id}",
                int(value["case"]),
                value["level"],
                click.user_id,
                click.channel_id,
            )
