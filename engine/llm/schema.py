"""The structured answer Claude must give: a tool whose input schema is our pydantic model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from engine.models import Category, Hypothesis, RecommendedAction, Severity

TOOL_NAME = "record_diagnosis"
A = TypeVar("A", bound=BaseModel)


class LlmAnswer(BaseModel):
    """What the model fills in; validated before anything reaches the thread."""

    summary: str = Field(
        min_length=1, max_length=600, description="One or two sentences for someone just paged in."
    )
    category: Category = Field(description="The single most likely failure category.")
    categories: list[Category] = Field(
        default_factory=list, max_length=3, description="Up to 3 categories, most likely first."
    )
    severity: Severity
    confident: bool = Field(
        description=(
            "True only when the evidence in the case singles out one cause. False: the summary says you "
            "are not sure yet and `questions` ask what best splits the live possibilities."
        )
    )
    hypotheses: list[Hypothesis] = Field(
        min_length=1,
        max_length=5,
        description="Ranked causes; confidence 0..1 calibrated (0.9 only with direct evidence).",
    )
    recommended_actions: list[RecommendedAction] = Field(
        default_factory=list,
        max_length=5,
        description="Exact commands or procedures with target, risk and rollback. Prefer reversible steps.",
    )
    questions: list[str] = Field(
        default_factory=list, max_length=3, description="Evidence that would split the top hypotheses."
    )
    next_steps: list[str] = Field(default_factory=list, max_length=5)


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace `$ref`s with their definitions: a flat schema is the most portable tool input."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        # Drop pydantic's "title" annotations (strings), never a property that is named "title".
        return {
            k: _inline_refs(v, defs)
            for k, v in node.items()
            if k != "$defs" and not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A pydantic model's JSON schema, refs inlined."""
    schema = model.model_json_schema()
    return dict(_inline_refs(schema, schema.get("$defs", {})))


def answer_schema() -> dict[str, Any]:
    """The JSON schema of `LlmAnswer`, refs inlined."""
    return model_schema(LlmAnswer)


@dataclass(frozen=True)
class ForcedTool(Generic[A]):
    """A tool the model must call (tool_choice forces it) whose input is validated as `answer`."""

    name: str
    description: str
    answer: type[A]

    def definition(self) -> dict[str, Any]:
        """The tool as the Messages API takes it."""
        return {"name": self.name, "description": self.description, "input_schema": model_schema(self.answer)}


DIAGNOSIS_TOOL = ForcedTool(
    TOOL_NAME,
    "Record the structured diagnosis of the incident case. Always call this exactly once.",
    LlmAnswer,
)


def diagnosis_tool() -> dict[str, Any]:
    """The tool definition sent with every request (tool_choice forces it)."""
    return DIAGNOSIS_TOOL.definition()
