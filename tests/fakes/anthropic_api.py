"""A fake Anthropic Messages API behind `httpx2.MockTransport`, for the real `anthropic` client.

Script answers with `answer_with(...)`, `fail_with(...)`, `time_out()`; every request is recorded
(parsed JSON), so tests can assert on exactly what left the process.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx2

API_KEY = "sk-ant-api03-test-key-for-the-fake-messages-api"

Reply = Callable[[dict[str, Any]], httpx2.Response]


def good_answer(**overrides: Any) -> dict[str, Any]:
    """A valid `record_diagnosis` tool input."""
    answer: dict[str, Any] = {
        "summary": "The checkout pods are OOMKilled: the memory limit is below the working set.",
        "category": "resource_exhaustion",
        "categories": ["resource_exhaustion", "deployment_bug"],
        "severity": "high",
        "confident": True,
        "hypotheses": [
            {
                "cause": "Memory limit too low for the new release",
                "confidence": 0.7,
                "category": "resource_exhaustion",
                "observed": [{"quote": "exit code 137", "source": "report"}],
                "rules_out": [],
                "checks": ["kubectl describe pod -l app=checkout | grep -A3 'Last State'"],
            },
            {"cause": "Memory leak in the 14:00 deploy", "confidence": 0.25, "checks": ["kubectl top pod"]},
        ],
        "recommended_actions": [
            {
                "title": "Roll back the 14:00 deploy",
                "command": "kubectl rollout undo deploy/checkout -n shop",
                "target": "deploy/checkout",
                "risk": "medium",
                "rollback": "kubectl rollout undo deploy/checkout -n shop",
            }
        ],
        "questions": ["Did memory use change after the deploy?"],
        "next_steps": ["Compare memory before and after 14:00"],
    }
    answer.update(overrides)
    return answer


@dataclass
class FakeMessagesApi:
    """Answers queued replies in order; when the queue is empty, answers `good_answer()`."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    # --- scripting -------------------------------------------------------------
    def answer_with(
        self, tool_input: dict[str, Any] | None = None, *, usage: dict[str, int] | None = None
    ) -> None:
        """Queue a tool-use answer (`None`: a text-only answer with no tool call)."""
        self.replies.append(lambda body: self._message(body, tool_input, usage))

    def fail_with(self, status: int, *, retry_after_ms: int | None = 1, times: int = 1) -> None:
        """Queue `times` error answers with an Anthropic-style error body."""
        kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
        if status == 429:
            headers["retry-after"] = "0"
        for _ in range(times):
            self.replies.append(
                lambda body: httpx2.Response(
                    status, headers=headers, json={"type": "error", "error": {"type": kind, "message": kind}}
                )
            )

    def time_out(self, times: int = 1) -> None:
        """Queue `times` read timeouts."""

        def reply(_body: dict[str, Any]) -> httpx2.Response:
            raise httpx2.ReadTimeout("fake read timeout")

        self.replies.extend([reply] * times)

    # --- client ----------------------------------------------------------------
    def client(self, max_retries: int = 2, timeout: float = 5.0) -> anthropic.Anthropic:
        """The real SDK client, talking to this fake."""
        return anthropic.Anthropic(
            api_key=API_KEY,
            base_url="http://anthropic.fake",
            max_retries=max_retries,
            timeout=timeout,
            http_client=httpx2.Client(transport=httpx2.MockTransport(self._handle)),
        )

    @property
    def models_called(self) -> list[str]:
        """The `model` of every request, in order."""
        return [str(r["model"]) for r in self.requests]

    # --- internals -------------------------------------------------------------
    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        reply = self.replies.pop(0) if self.replies else (lambda b: self._message(b, good_answer(), None))
        return reply(body)

    def _message(
        self, body: dict[str, Any], tool_input: dict[str, Any] | None, usage: dict[str, int] | None
    ) -> httpx2.Response:
        n = next(self._ids)
        content: list[dict[str, Any]] = [{"type": "text", "text": "Let me record the diagnosis."}]
        if tool_input is not None:
            # Answer with whichever tool the request forced (record_diagnosis, record_runbook…).
            name = (body.get("tool_choice") or {}).get("name", "record_diagnosis")
            content.append({"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": tool_input})
        return httpx2.Response(
            200,
            json={
                "id": f"msg_{n}",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": content,
                "stop_reason": "tool_use" if tool_input is not None else "end_turn",
                "stop_sequence": None,
                "usage": usage
                or {
                    "input_tokens": 1200,
                    "output_tokens": 400,
                    "cache_read_input_tokens": 0,
                    "cache_creation_input_tokens": 900,
                },
            },
        )
