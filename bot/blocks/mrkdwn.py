"""The one escape for text we did not write: users, alerts, runbooks and the LLM never speak mrkdwn."""

from __future__ import annotations

# Slack's three control characters. `&` goes first, so the entities we add are not escaped again.
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def escape(text: str) -> str:
    """`<!channel>`, `<@U…>`, `<#C…>` and `<url|label>` from untrusted text arrive as literal text.

    Builders call this on raw values only, once, where the text is placed; stored text stays raw.
    """
    for char, entity in _ENTITIES:
        text = text.replace(char, entity)
    return text


def escape_to_fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """Escape `text`, cutting it (never inside an entity) so the result stays within `limit`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept: list[str] = []
    size = len(ellipsis)
    for char in text:
        piece = escape(char)
        if size + len(piece) > limit:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept).rstrip() + ellipsis
