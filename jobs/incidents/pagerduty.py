"""A small PagerDuty REST API client: add a note to an incident, resolve it. Retries transient failures."""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx

from engine.errors import FaultMavenError

log = logging.getLogger(__name__)

DEFAULT_PAGERDUTY_API_URL = "https://api.pagerduty.com"


class PagerDutyError(FaultMavenError):
    """PagerDuty did not accept a call (after retries)."""


class PagerDutyClient:
    """REST API v2 with an API token; `base_url` points at a fake in tests."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_PAGERDUTY_API_URL,
        from_email: str | None = None,
        attempts: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {
            "Authorization": f"Token token={token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        }
        if from_email:
            headers["From"] = from_email
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=10.0, transport=transport
        )
        self._attempts = attempts
        self._backoff = backoff

    def add_note(self, incident_id: str, content: str) -> None:
        """Append a note to the incident's timeline."""
        self._call("POST", f"/incidents/{incident_id}/notes", {"note": {"content": content[:25000]}})

    def resolve(self, incident_id: str, resolution: str | None = None) -> None:
        """Set the incident's status to resolved."""
        incident: dict[str, Any] = {"type": "incident_reference", "status": "resolved"}
        if resolution:
            incident["resolution"] = resolution[:1000]
        self._call("PUT", f"/incidents/{incident_id}", {"incident": incident})

    def _call(self, method: str, path: str, body: dict[str, Any]) -> None:
        pause = threading.Event()
        last: str = ""
        for attempt in range(self._attempts):
            if attempt:
                pause.wait(self._backoff * 2 ** (attempt - 1))
            try:
                response = self._http.request(method, path, json=body)
            except httpx.TransportError as error:
                last = f"{type(error).__name__}"
                continue
            if response.status_code < 300:
                return
            last = f"HTTP {response.status_code}"
            if response.status_code != 429 and response.status_code < 500:
                break  # a client error will not fix itself by retrying
        log.warning("pagerduty call failed", extra={"path": path, "error": last})
        raise PagerDutyError(f"PagerDuty {method} {path} failed: {last}")
