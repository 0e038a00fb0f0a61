"""Short one-line text and durations people read at a glance (escaping lives in bot/blocks/mrkdwn)."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """One line, at most `limit` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def duration(seconds: float) -> str:
    """42 s, 17 min, 3 h 20 min, 2 d 4 h."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        hours, minutes = divmod(s // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(s // 3600, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
