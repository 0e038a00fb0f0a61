"""Checking Web API arguments the way Slack does, with Slack's own error names."""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.playground.api_errors import ApiError

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


def json_arg(value: Any, kind: type) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ApiError("invalid_arguments") from error
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ApiError("invalid_arguments")
    return value


def checked_blocks(value: Any, limit: int) -> list[dict[str, Any]]:
    """Validate like Slack (shape, count, text lengths) and fill in missing block ids."""
    blocks: list[dict[str, Any]] = copy.deepcopy(json_arg(value, list))
    if len(blocks) > limit:
        raise ApiError("invalid_blocks")
    for n, block in enumerate(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise ApiError("invalid_blocks")
        text = block.get("text")
        if isinstance(text, dict) and len(str(text.get("text", ""))) > (
            150 if block["type"] == "header" else 3000
        ):
            raise ApiError("invalid_blocks")
        block.setdefault("block_id", f"blk{n}")
    return blocks


def require(params: dict[str, Any], name: str, error: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(error)
    return value
