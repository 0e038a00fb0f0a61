"""Inbound incident webhooks (PagerDuty V3, Alertmanager v4): verify, parse, store raw, enqueue."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine.errors import StorageUnavailableError
from handlers.inbound import DEFAULT_MAX_BODY_BYTES, RequestRefused, read_bounded_body
from jobs.incidents.intake import IncidentIntake
from jobs.incidents.payloads import ALERTMANAGER, PAGERDUTY, AlertmanagerWebhook, PagerDutyWebhook

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookAuth:
    """What senders prove they know: PagerDuty signing secrets (several while rotating), a bearer token."""

    pagerduty_secrets: tuple[str, ...] = ()
    alertmanager_token: str | None = None


def pagerduty_signature_ok(body: bytes, header: str, secrets: tuple[str, ...]) -> bool:
    """Whether any `v1=<hex HMAC-SHA256>` in the header matches the body under any configured secret."""
    signatures = [part.strip()[3:] for part in header.split(",") if part.strip().startswith("v1=")]
    for secret in secrets:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, signature) for signature in signatures):
            return True
    return False


def bearer_token_ok(header: str, token: str) -> bool:
    """Whether `Authorization: Bearer <token>` carries the configured token."""
    scheme, _, value = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{where}: {first['msg']}"[:200]


def _error(status: int, error: str, reason: str) -> JSONResponse:
    # Refusals may leave the body unread: close the connection and say so, so no client reuses it.
    return JSONResponse(
        {"ok": False, "error": error, "reason": reason}, status_code=status, headers={"Connection": "close"}
    )


def _record(intake: IncidentIntake, **event: Any) -> Response:
    try:
        recorded = intake.record_event(**event)
    except StorageUnavailableError:
        # A non-2xx makes the sender retry later; nothing is acknowledged that was not stored.
        return _error(503, "storage_unavailable", "the database is unavailable; retry later")
    if recorded.duplicate:
        return JSONResponse({"ok": True, "duplicate": True}, status_code=200)
    return JSONResponse({"ok": True, "queued": recorded.queued}, status_code=202)


def _malformed(body: bytes) -> Response | None:
    # Decoded up front: the raw JSON is stored as text, and pydantic would accept invalid UTF-8 bytes.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "malformed", "the body is not UTF-8")
    return None


def routes(
    intake: IncidentIntake, auth: WebhookAuth, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> list[Route]:
    """The webhook routes the web process serves; bodies beyond `max_body_bytes` get 413 unread."""

    async def handle_pagerduty_webhook(request: Request) -> Response:
        if not auth.pagerduty_secrets:
            return _error(503, "not_configured", "set PAGERDUTY_WEBHOOK_SECRET to accept PagerDuty webhooks")
        signature = request.headers.get("x-pagerduty-signature", "")
        if not signature:
            return _error(401, "invalid_signature", "X-PagerDuty-Signature is missing")
        try:
            body = await read_bounded_body(request, max_body_bytes)
        except RequestRefused as refused:
            return refused.response()
        if not pagerduty_signature_ok(
            body, request.headers.get("x-pagerduty-signature", ""), auth.pagerduty_secrets
        ):
            log.warning("pagerduty webhook with a bad signature")
            return _error(401, "invalid_signature", "X-PagerDuty-Signature does not match")
        if (malformed := _malformed(body)) is not None:
            return malformed
        try:
            hook = PagerDutyWebhook.model_validate_json(body)
            if not hook.supported:
                log.info("pagerduty event type ignored", extra={"event_type": hook.event.event_type})
                return JSONResponse({"ok": True, "ignored": hook.event.event_type}, status_code=202)
            incident_id = hook.incident_id()
        except ValidationError as error:
            return _error(400, "malformed", _reason(error))
        return await run_in_threadpool(
            _record,
            intake,
            source=PAGERDUTY,
            event_id=hook.event.id,
            event_type=hook.event.event_type,
            external_id=incident_id[:64],
            occurred_at=hook.event.occurred_at,
            payload_json=body.decode(),
        )

    async def handle_alertmanager_webhook(request: Request) -> Response:
        if not auth.alertmanager_token:
            return _error(503, "not_configured", "set ALERTMANAGER_TOKEN to accept Alertmanager webhooks")
        if not bearer_token_ok(request.headers.get("authorization", ""), auth.alertmanager_token):
            log.warning("alertmanager webhook with a bad token")
            return _error(401, "invalid_token", "Authorization: Bearer <ALERTMANAGER_TOKEN> is required")
        try:
            body = await read_bounded_body(request, max_body_bytes)
        except RequestRefused as refused:
            return refused.response()
        if (malformed := _malformed(body)) is not None:
            return malformed
        try:
            hook = AlertmanagerWebhook.model_validate_json(body)
        except ValidationError as error:
            return _error(400, "malformed", _reason(error))
        return await run_in_threadpool(
            _record,
            intake,
            source=ALERTMANAGER,
            # Alertmanager sends no id: an identical body is a redelivery or an unchanged repeat.
            event_id=hashlib.sha256(body).hexdigest()[:40],
            event_type=f"group.{hook.status}",
            external_id=hook.external_id,
            occurred_at=hook.occurred_at,
            payload_json=body.decode(),
        )

    return [
        Route("/webhooks/pagerduty", handle_pagerduty_webhook, methods=["POST"]),
        Route("/webhooks/alertmanager", handle_alertmanager_webhook, methods=["POST"]),
    ]
