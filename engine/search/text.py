"""Keyword tokens for BM25: lower-case words, camelCase split, stop words dropped, plurals folded."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|[0-9]+|[a-z]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "not",
        "no",
        "after",
        "before",
        "since",
        "all",
        "any",
        "some",
    ]
)


def _fold(word: str) -> str:
    """A light stemmer: enough to match 'connections' with 'connection' and 'failing' with 'fail'."""
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def tokenize(text: str) -> list[str]:
    """Tokens for indexing and querying (the same function for both)."""
    tokens = []
    for raw in _WORD.findall(text):
        word = raw.lower()
        if word in _STOP or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.append(_fold(word))
    return tokens
