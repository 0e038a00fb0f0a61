"""TF-IDF similarity between a report and each failure pattern's prose, for paraphrased reports.

Keywords catch the phrases engineers usually type; this catches the rest ("the registrar change broke
our domain") by comparing word stems with the pattern's title, description, causes and checks.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from engine.knowledge.patterns_model import FailurePattern

_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = frozenset(
    re.findall(
        r"\w+",
        """the and for are but not you all any can had her was one our out has his how its may new now old
        see two way who did get got let put say she too use with from that this have been were they them
        then than when what will into some more only also just like since after before about over very
        your their there here which while would could should does doing done being""",
    )
)


# A clock time ("since 14:09 UTC", "around 4pm PT") says when, not why: almost every report has one, and
# left in, it makes prose read like the clock-and-date category. Round times and dates that do point at
# a time bug ("midnight", "leap second", "Feb 29") are words, which the category cues read unmasked.
_CLOCK_TIME = re.compile(
    r"~?\b\d{1,2}(?::\d{2}(?::\d{2})?|\s?[ap]\.?m\.?)(?!\w)(\s?(utc|gmt|[a-z]{1,2}[sd]?t)\b)?|\b(utc|gmt)\b",
    re.IGNORECASE,
)


def without_clock_times(text: str) -> str:
    """The text with clock times and time-zone names blanked, for prose similarity."""
    return _CLOCK_TIME.sub(" ", text)


def stem(word: str) -> str:
    """A crude suffix stripper: enough to meet 'restarting' with 'restarts' and 'restart'."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Stemmed content words."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def _pattern_text(pattern: FailurePattern) -> str:
    causes = " ".join(h.cause for h in pattern.hypotheses)
    return " ".join(
        [pattern.title, pattern.description, " ".join(pattern.keywords), causes, " ".join(pattern.stacks)]
    )


class LexicalIndex:
    """Cosine similarity of TF-IDF vectors, built once over the knowledge base."""

    def __init__(self, patterns: list[FailurePattern]) -> None:
        docs = {p.id: Counter(terms(_pattern_text(p))) for p in patterns}
        df: Counter[str] = Counter()
        for counts in docs.values():
            df.update(counts.keys())
        n = len(docs)
        self._idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
        self._vectors = {pid: self._weigh(counts) for pid, counts in docs.items()}

    def _weigh(self, counts: Counter[str]) -> dict[str, float]:
        vector = {t: (1 + math.log(c)) * self._idf.get(t, 0.0) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {t: v / norm for t, v in vector.items()}

    def similarities(self, text: str) -> dict[str, float]:
        """Pattern id → cosine similarity (0..1) with the text."""
        query = self._weigh(Counter(t for t in terms(text) if t in self._idf))
        return {
            pid: sum(w * vector.get(t, 0.0) for t, w in query.items())
            for pid, vector in self._vectors.items()
        }
