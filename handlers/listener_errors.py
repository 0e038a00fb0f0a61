"""The one answer to a listener that failed: a reason for malformed input, honesty about everything else.

Nothing here logs a request body or echoes one back: logs carry the error's type, answers carry our
own words and pydantic's short description of what was malformed.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.error import URLError

from pydantic import ValidationError
from slack_bolt import BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import FaultMavenError, InvalidInputError
from handlers.payloads import validation_reason

log = logging.getLogger(__name__)

UNEXPECTED = "⚠️ Something went wrong on our side, so this may not have been recorded. Please try again."
NOT_SAVED = "⚠️ I couldn't save that: the database is unavailable. Please try again in a minute."
SLACK_SLOW = "⚠️ Slack didn't answer in time, so nothing was opened. Please try again."


def _answer(body: dict[str, Any], status: int, error: str, text: str) -> BoltResponse:
    if isinstance(body, dict) and "command" in body:
        # Slash commands show a 200's text to the person; any other status becomes "dispatch_failed".
        return BoltResponse(status=200, body=text)
    payload = json.dumps({"ok": False, "error": error, "reason": text})
    return BoltResponse(status=status, body=payload, headers={"content-type": "application/json"})


def answer_listener_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's error handler: what to answer Slack (and log) when a listener or middleware raised."""
    if isinstance(error, BoltUnhandledRequestError):
        log.info("slack request with no listener")
        answer = {"ok": False, "error": "unhandled_request", "reason": "nothing here handles this request"}
        return BoltResponse(status=404, body=json.dumps(answer), headers={"content-type": "application/json"})
    if isinstance(error, ValidationError):
        log.info("malformed slack request", extra={"error": "validation"})
        return _answer(
            body, 400, "malformed", f"⚠️ That request could not be read ({validation_reason(error)})."
        )
    if isinstance(error, InvalidInputError):
        log.info("malformed slack request", extra={"error": "invalid_input"})
        return _answer(body, 400, "malformed", f"⚠️ {error}")
    if isinstance(error, SQLAlchemyError):
        log.warning("database unavailable in a listener", extra={"error": type(error).__name__})
        return _answer(body, 503, "storage_unavailable", NOT_SAVED)
    if isinstance(error, FaultMavenError):
        log.warning("listener refused a request", extra={"error": type(error).__name__})
        return _answer(body, 503, "unavailable", f"⚠️ {error}")
    if isinstance(error, SlackClientError | URLError | TimeoutError):
        log.warning("slack web api call in a listener failed", extra={"error": type(error).__name__})
        return _answer(body, 503, "slack_unavailable", SLACK_SLOW)
    log.exception("unhandled error in a Slack listener", exc_info=error)
    # 200: a slash command shows this text; a 500 would show "dispatch_failed" and tell nobody anything.
    return BoltResponse(status=200, body=UNEXPECTED)
