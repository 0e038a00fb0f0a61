"""Executors for approved actions: a signed webhook to automation, or allow-listed local commands."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field

from engine.errors import ConfigurationError, FaultMavenError

log = logging.getLogger(__name__)

Purpose = Literal["execute", "rollback", "verify"]
OUTPUT_LIMIT = 3000
USER_AGENT = "FaultMaven-Actions/1"
# Statuses worth retrying: the endpoint is overloaded or briefly away, not refusing the action.
_TRANSIENT_4XX = {408, 425, 429}
_ANSWER_FIELDS = ("status", "message", "run_id", "url")


class ExecutionRequest(BaseModel):
    """One approved action to carry out (or roll back, or verify), as sent to an executor."""

    proposal_id: int
    idempotency_key: str
    case_ref: str
    action: str
    target: str
    parameters: dict[str, str] = Field(default_factory=dict)
    command: str = ""
    requested_by: str
    approved_by: list[str] = Field(default_factory=list)
    purpose: Purpose = "execute"
    dry_run: bool = True


class ExecutionResult(BaseModel):
    """What an executor did; `summary` is one line for the thread."""

    ok: bool
    executor: str
    dry_run: bool
    summary: str
    output: str = ""
    status_code: int | None = None
    details: dict[str, str] = Field(default_factory=dict)


class ExecutorUnavailable(FaultMavenError):
    """Transient failure (5xx, connection refused, timeout): the job lets RQ retry."""


class Executor(Protocol):
    name: str

    def handles(self, req: ExecutionRequest) -> bool: ...

    def execute(self, req: ExecutionRequest) -> ExecutionResult: ...


def follow_up_request(
    req: ExecutionRequest,
    purpose: Purpose,
    *,
    idempotency_key: str | None = None,
    requested_by: str | None = None,
    approved_by: list[str] | None = None,
) -> ExecutionRequest:
    """The rollback or verify request for an executed action: same action, target and parameters."""
    return req.model_copy(
        update={
            "purpose": purpose,
            "idempotency_key": idempotency_key or f"{req.idempotency_key}:{purpose}",
            "requested_by": requested_by or req.requested_by,
            "approved_by": list(req.approved_by if approved_by is None else approved_by),
        }
    )


def truncate(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """Keep the end of long output, where errors usually are."""
    return text if len(text) <= limit else "…(truncated)\n" + text[-limit:]


def _describe(req: ExecutionRequest) -> str:
    return req.action if req.purpose == "execute" else f"{req.action} ({req.purpose})"


def sign_webhook(secret: str, timestamp: str, body: bytes) -> str:
    """The X-FaultMaven-Signature value: "v1=" + hex HMAC-SHA256 of b"v1:<timestamp>:<body>"."""
    message = b"v1:" + timestamp.encode() + b":" + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class WebhookExecutor:
    """POSTs the request as signed JSON to an automation endpoint (Rundeck, StackStorm, AWX, a CI job…)."""

    name = "webhook"

    def __init__(
        self, url: str, secret: str, client: httpx.Client | None = None, timeout: float = 10.0
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError("the action webhook URL must look like https://host/path")
        if not secret:
            raise ConfigurationError("the action webhook needs a signing secret")
        self.url = url
        # Shown in summaries; never the userinfo or path, which may carry tokens.
        self.host = parts.hostname + (f":{parts.port}" if parts.port else "")
        self._secret = secret
        self._client = client
        self._timeout = timeout

    def handles(self, req: ExecutionRequest) -> bool:
        """The webhook takes any action: the automation on the other side decides what it knows."""
        return True

    def execute(self, req: ExecutionRequest) -> ExecutionResult:
        """POST the request; 2xx → ok, 4xx → refused, 5xx/timeout/unreachable → ExecutorUnavailable."""
        what = _describe(req)
        if req.dry_run:
            summary = f"Dry run: would POST {what} for {req.target} to {self.host}"
            return ExecutionResult(ok=True, executor=self.name, dry_run=True, summary=summary)
        body = req.model_dump_json().encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-FaultMaven-Timestamp": timestamp,
            "X-FaultMaven-Signature": sign_webhook(self._secret, timestamp, body),
            "Idempotency-Key": req.idempotency_key,
        }
        try:
            response = self._post(body, headers)
        except httpx.TimeoutException as error:
            raise ExecutorUnavailable(f"{self.host} did not answer within {self._timeout:g} s") from error
        except httpx.TransportError as error:
            raise ExecutorUnavailable(f"cannot reach {self.host} ({type(error).__name__})") from error
        log.info(
            "action webhook answered", extra={"proposal_id": req.proposal_id, "status": response.status_code}
        )
        return self._result(req, what, response)

    def _post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        if self._client is not None:
            return self._client.post(self.url, content=body, headers=headers, timeout=self._timeout)
        with httpx.Client(timeout=self._timeout) as client:
            return client.post(self.url, content=body, headers=headers)

    def _result(self, req: ExecutionRequest, what: str, response: httpx.Response) -> ExecutionResult:
        code = response.status_code
        if code >= 500 or code in _TRANSIENT_4XX:
            raise ExecutorUnavailable(f"{self.host} answered {code} {response.reason_phrase}; will retry")
        answer = _answer(response)
        details = {key: answer[key] for key in _ANSWER_FIELDS if answer.get(key)}
        details["http_status"] = str(code)
        if 200 <= code < 300:
            ok, summary = True, _accepted(f"{self.host} accepted {what} for {req.target}", details)
        else:
            reason = answer.get("message") or answer.get("error") or answer.get("detail")
            ok, summary = (
                False,
                f"{self.host} refused {what} for {req.target}: {code} {reason or ''}".rstrip(),
            )
        return ExecutionResult(
            ok=ok,
            executor=self.name,
            dry_run=False,
            summary=summary,
            output=truncate(response.text),
            status_code=code,
            details=details,
        )


def _accepted(summary: str, details: dict[str, str]) -> str:
    extras = [
        f"{label} {details[key]}"
        for key, label in (("status", "status"), ("run_id", "run"))
        if key in details
    ]
    if extras:
        summary += f" ({', '.join(extras)})"
    if "message" in details:
        summary += f": {details['message']}"
    if "url" in details:
        summary += f" — {details['url']}"
    return summary


def _answer(response: httpx.Response) -> dict[str, str]:
    """The endpoint's JSON answer as short strings; {} when it did not answer JSON."""
    try:
        data: Any = response.json()
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v)[:500] for k, v in data.items() if v is not None and not isinstance(v, dict | list)}


class ExecutorChain:
    """The executors in order of preference; the first that handles a request runs it."""

    def __init__(self, executors: list[Executor]) -> None:
        self.executors = list(executors)

    def pick(self, req: ExecutionRequest) -> Executor | None:
        """The first executor that handles `req`, or None when none does."""
        return next((executor for executor in self.executors if executor.handles(req)), None)
