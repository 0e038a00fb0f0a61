"""Name patterns used by the approval policy: case-insensitive globs, or `re:<regex>` searched anywhere."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache

REGEX_PREFIX = "re:"

# Where one shell command ends and another begins. Each piece is judged on its own, so a read-only
# prefix ("kubectl get pods; …") cannot carry a destructive tail through a lenient rule.
_PRODUCTION_WORDS = re.compile(r"(^|[^a-z])(prod|production|prd|live)([^a-z]|$)", re.IGNORECASE)
_SEGMENT_BREAKS = re.compile(r"&&|\|\||[;&|\n`>]|\$\(")


def check_pattern(pattern: str) -> str:
    """Validate one pattern (used as a pydantic validator): non-empty, and a regex that compiles."""
    if not pattern.strip():
        raise ValueError("pattern must not be empty")
    if pattern.startswith(REGEX_PREFIX):
        try:
            re.compile(pattern[len(REGEX_PREFIX) :], re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"invalid regex {pattern[len(REGEX_PREFIX) :]!r}: {error}") from None
    return pattern


@lru_cache(maxsize=1024)
def _regex(body: str) -> re.Pattern[str]:
    return re.compile(body, re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower-case with runs of whitespace collapsed, so `rm  -RF` reads like `rm -rf`."""
    return " ".join(text.split()).lower()


def matches(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern`: a whole-text glob, or a regex found anywhere."""
    if pattern.startswith(REGEX_PREFIX):
        return _regex(pattern[len(REGEX_PREFIX) :]).search(text) is not None
    return fnmatchcase(normalise(text), normalise(pattern))


def matches_any(patterns: list[str], text: str) -> bool:
    """Whether any of `patterns` matches `text`."""
    return any(matches(pattern, text) for pattern in patterns)


def command_segments(command: str) -> list[str]:
    """The separate commands inside a command line (split at ; && || | & ` $( > and newlines)."""
    return [piece.strip() for piece in _SEGMENT_BREAKS.split(command) if piece.strip()]


def scoped_target(target: str, environment: str | None) -> str:
    """The target qualified by the case's environment (`production:database/orders`), for matching."""
    if not environment or environment.lower() in target.lower():
        return target
    return f"{environment}:{target}"


def is_production(target: str) -> bool:
    """Whether a (scoped) target names production."""
    return _PRODUCTION_WORDS.search(target) is not None
