"""Details on a diagnosis message: open a loading modal inside the handler, let a job fill it in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.diagnosis_details import build_details_loading_modal
from bot.ids import Ids
from engine.errors import InvalidInputError
from engine.record_ids import parse_record_id
from jobs.cases.details import DetailsRequests


class DetailsClick(BaseModel):
    """A Details click: which case, where, and who is looking."""

    user_id: str
    channel_id: str
    trigger_id: str
    case_id: int

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> DetailsClick | None:
        """None when the button's value is not a case id."""
        action = body["actions"][0]
        container = body.get("container") or {}
        case_id = parse_record_id(str(action.get("value", "")))
        if case_id is None:
            return None
        return cls(
            user_id=body["user"]["id"],
            channel_id=(body.get("channel") or {}).get("id") or container.get("channel_id") or "",
            trigger_id=body["trigger_id"],
            case_id=case_id,
        )


def handle_details_click(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """ack, open "Loading…" with the 3-second trigger_id, and hand the reading to a job."""
    click = DetailsClick.from_body(body)
    if click is None:
        raise InvalidInputError("That Details button's value is not a case id.")
    ack()
    resp = client.views_open(
        trigger_id=click.trigger_id, view=build_details_loading_modal(f"FM-{click.case_id}")
    )
    requests: DetailsRequests = context["details_requests"]
    requests.show(click.case_id, click.channel_id, click.user_id, str(resp["view"]["id"]))


def register(app: App, requests: DetailsRequests) -> None:
    """Attach the Details button; the facade reaches the listener through context."""

    @app.middleware
    def provide_details_requests(context: BoltContext, next: Any) -> None:
        context["details_requests"] = requests
        next()

    app.action(Ids.DIAGNOSIS_DETAILS_BUTTON.value)(handle_details_click)
