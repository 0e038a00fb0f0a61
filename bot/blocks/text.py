"""Putting text we did not write into mrkdwn: escaped, and cut to fit Slack's limits."""

from __future__ import annotations

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack reads as markup (links, mentions, entities)."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def escape_to_fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """Escape `text`, cutting it (never inside an entity) so the result stays within `limit`."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    kept: list[str] = []
    size = len(ellipsis)
    for char in text:
        piece = _ESCAPES.get(char, char)
        if size + len(piece) > limit:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept).rstrip() + ellipsis
