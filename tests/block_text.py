"""What a person reads in Block Kit JSON, to measure how long a message is."""

from __future__ import annotations

from typing import Any


def text_lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The lines a person reads: every mrkdwn/plain text in the blocks, split at newlines."""
    lines: list[str] = []
    for block in blocks:
        texts = [block.get("text"), *(block.get("elements") or [])]
        for text in texts:
            if isinstance(text, dict) and isinstance(text.get("text"), str):
                lines.extend(text["text"].splitlines())
    return lines
