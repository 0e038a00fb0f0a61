"""One model's attempt at a diagnosis: call, validate the tool output, retry once if malformed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

import anthropic
from pydantic import BaseModel, ValidationError

from engine.errors import EngineUnavailableError
from engine.llm.pricing import cost_usd
from engine.llm.schema import DIAGNOSIS_TOOL, ForcedTool, LlmAnswer
from engine.models import LlmCall

log = logging.getLogger(__name__)

A = TypeVar("A", bound=BaseModel)


class LlmAttemptError(EngineUnavailableError):
    """A model could not give a diagnosis; carries the calls made so their cost is still recorded."""

    def __init__(self, message: str, calls: list[LlmCall] | None = None) -> None:
        super().__init__(message)
        self.calls: list[LlmCall] = calls or []


class MalformedAnswerError(LlmAttemptError):
    """The model answered, but not with a valid diagnosis, even after one retry."""


class ApiUnavailableError(LlmAttemptError):
    """The API did not answer usefully (timeout, 429/5xx/529 after SDK retries, auth)."""


@dataclass
class Attempt(Generic[A]):
    """The result of asking one model, with every call it took (for cost accounting)."""

    answer: A | None = None
    calls: list[LlmCall] = field(default_factory=list)


def _usage_call(model: str, purpose: str, message: Any, started: float, outcome: str) -> LlmCall:
    usage = message.usage
    read = usage.cache_read_input_tokens or 0
    write = usage.cache_creation_input_tokens or 0
    return LlmCall(
        model=model,
        purpose=purpose,
        outcome=outcome,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_input_tokens=read,
        cache_creation_input_tokens=write,
        cost_usd=cost_usd(model, usage.input_tokens, usage.output_tokens, read, write),
        latency_ms=round((time.perf_counter() - started) * 1000),
    )


def _tool_input(message: Any, tool_name: str) -> tuple[str | None, dict[str, Any] | None]:
    for block in message.content:
        if getattr(block, "type", None) == "tool_use" and block.name == tool_name:
            return str(block.id), dict(block.input)
    return None, None


class ModelCaller(Generic[A]):
    """Asks one model through the real SDK client; SDK errors are translated at this boundary.

    The answer is the input of one forced tool (the diagnosis unless another `tool` is given).
    """

    @overload
    def __init__(
        self: ModelCaller[LlmAnswer], client: anthropic.Anthropic, max_tokens: int = 2048
    ) -> None: ...

    @overload
    def __init__(
        self, client: anthropic.Anthropic, max_tokens: int = 2048, *, tool: ForcedTool[A]
    ) -> None: ...

    def __init__(
        self, client: anthropic.Anthropic, max_tokens: int = 2048, *, tool: ForcedTool[Any] = DIAGNOSIS_TOOL
    ) -> None:
        self._client = client
        self._max_tokens = max_tokens
        self._forced: ForcedTool[Any] = tool
        self._tool = tool.definition()

    def _create(self, model: str, system: list[dict[str, Any]], messages: list[dict[str, Any]]) -> Any:
        try:
            # Plain dicts, not the SDK's TypedDicts: the JSON is what we control and test.
            return self._client.messages.create(  # type: ignore[call-overload]
                model=model,
                max_tokens=self._max_tokens,
                system=system,
                messages=messages,
                tools=[self._tool],
                tool_choice={"type": "tool", "name": self._forced.name},
            )
        except anthropic.APITimeoutError as error:
            raise ApiUnavailableError(f"{model}: timed out") from error
        except anthropic.APIConnectionError as error:
            raise ApiUnavailableError(f"{model}: connection failed") from error
        except anthropic.APIStatusError as error:
            raise ApiUnavailableError(f"{model}: HTTP {error.status_code}") from error

    def ask(
        self, model: str, purpose: str, system: list[dict[str, Any]], messages: list[dict[str, Any]]
    ) -> Attempt[A]:
        """Return a validated answer, or raise after recording what the calls cost in `error.calls`."""
        attempt: Attempt[A] = Attempt()
        tool_name = self._forced.name
        conversation = list(messages)
        for try_number in (1, 2):
            started = time.perf_counter()
            try:
                message = self._create(model, system, conversation)
            except ApiUnavailableError as error:
                failed = LlmCall(
                    model=model,
                    purpose=purpose,
                    outcome="error",
                    latency_ms=round((time.perf_counter() - started) * 1000),
                )
                error.calls = [*attempt.calls, failed]
                raise
            tool_id, raw = _tool_input(message, tool_name)
            problem: str
            if raw is None:
                problem = f"no {tool_name} tool call in the answer"
            else:
                try:
                    attempt.answer = self._forced.answer.model_validate(raw)
                    attempt.calls.append(_usage_call(model, purpose, message, started, "ok"))
                    return attempt
                except ValidationError as error:
                    problem = error.json(include_url=False, include_input=False)[:2000]
            attempt.calls.append(_usage_call(model, purpose, message, started, "malformed"))
            log.warning("malformed LLM answer", extra={"model": model, "try": try_number})
            # Retry by showing the model its own answer and the validation error, as a tool result.
            conversation = [
                *messages,
                {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in message.content]},
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": tool_id,
                            "is_error": True,
                            "content": f"Invalid input, call {tool_name} again correctly: {problem}",
                        }
                    ]
                    if tool_id
                    else f"You must call the {tool_name} tool. Problem: {problem}",
                },
            ]
        raise MalformedAnswerError(f"{model}: malformed answer twice", attempt.calls)
