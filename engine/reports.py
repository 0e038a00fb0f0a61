"""How much of a report fits in view: long pastes travel as a snippet, the card shows the start."""

from __future__ import annotations

from pydantic import BaseModel

# Past either limit a paste is a log dump: a card showing all of it would bury the channel.
SNIPPET_MIN_CHARS = 2_500
SNIPPET_MIN_LINES = 30


class ReportExcerpt(BaseModel):
    text: str
    omitted_lines: int


def is_long_paste(report: str) -> bool:
    """True when the report should be uploaded as a snippet rather than shown whole."""
    text = report.strip()
    return len(text) > SNIPPET_MIN_CHARS or text.count("\n") + 1 > SNIPPET_MIN_LINES


def first_lines(report: str, max_lines: int = 8, max_chars: int = 700) -> ReportExcerpt:
    """The report's opening lines (blank lines dropped), within both limits."""
    lines = [line.rstrip() for line in report.strip().splitlines() if line.strip()]
    kept: list[str] = []
    size = 0
    for line in lines[:max_lines]:
        if size + len(line) > max_chars:
            if not kept:
                kept.append(line[:max_chars].rstrip() + "…")
            break
        kept.append(line)
        size += len(line) + 1
    return ReportExcerpt(text="\n".join(kept), omitted_lines=len(lines) - len(kept))
