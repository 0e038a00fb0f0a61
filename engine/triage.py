"""Instant, cheap triage used before any diagnosis: a severity guess and a title from free text."""

from __future__ import annotations

import re

from engine.models import Severity

_CRITICAL = re.compile(
    r"\b(outage|all (users|customers)|data loss|sev ?0|sev ?1|p0|p1|breach|everything is down)\b", re.I
)
_HIGH = re.compile(
    r"\b(down|oom\w*|crash\w*|5\d\d|errors?|fail\w*|timeouts?|unavailable|production|prod|expired)\b", re.I
)
_LOW = re.compile(r"\b(slow(er)?|warning|flaky|sometimes|occasionally|staging|dev)\b", re.I)


def guess_severity(text: str) -> Severity:
    """A first guess from wording alone; the diagnosis refines it."""
    if _CRITICAL.search(text):
        return Severity.CRITICAL
    if _HIGH.search(text):
        return Severity.HIGH
    if _LOW.search(text):
        return Severity.LOW
    return Severity.MEDIUM


def title_from_text(text: str, limit: int = 80) -> str:
    """The first sentence or line of a report, trimmed to fit a Slack header."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first or "Untitled problem"
    return first[: limit - 1].rsplit(" ", 1)[0] + "…"
