"""Secret redaction: applied at intake (before anything is stored or posted), to LLM requests and to logs."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Each rule: a name (shown in the placeholder, so a reader knows what was there) and a pattern.
# Where a pattern has a group named `secret`, only that group is replaced, keeping the key or
# scheme visible ("password=[REDACTED:password]") because that context helps a diagnosis.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "private_key",
        re.compile(r"-----BEGIN[A-Z ]*PRIVATE KEY-----(?:.*?-----END[A-Z ]*PRIVATE KEY-----|.*\Z)", re.S),
    ),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b")),
    ("slack_token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    ("slack_token", re.compile(r"\bxapp-\d-[A-Za-z0-9-]{10,}")),
    ("slack_webhook", re.compile(r"hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]+")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("stripe_key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{16,}")),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{16,}")),
    ("api_key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}")),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35,}")),
    (
        "bearer",
        re.compile(r"(?i)\b(?:bearer|basic|token)\s+(?P<secret>[A-Za-z0-9._~+/=-]{12,})"),
    ),
    # user:password@host in URLs and DSNs (postgres://app:hunter2@db:5432/x, redis://:pw@cache)
    ("password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]*:(?P<secret>[^\s@/]+)@", re.I)),
    (
        "aws_secret_key",
        re.compile(r"(?i)aws.{0,20}?(?:secret|key).{0,20}?[=:]\s*[\"']?(?P<secret>[A-Za-z0-9/+=]{40})\b"),
    ),
    # key=value, key: value and "key": "value" where the key names a credential.
    (
        "password",
        re.compile(
            r"(?i)\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
            r"|private[_-]?key|client[_-]?secret)[\w.-]*[\"']?\s*(?:=|:)\s*[\"']?"
            r"(?P<secret>(?!\[REDACTED)[^\s\"'&,;}]{4,})"
        ),
    ),
]


MARKER_PREFIX = "[REDACTED:"

# Generic high-entropy tokens: long runs of base64/url-safe characters mixing upper case, lower case
# and digits. Hex-only runs (git SHAs, trace ids, digests) and UUIDs are left readable on purpose.
_TOKEN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_=.-])[A-Za-z0-9+/_=-]{32,}(?![A-Za-z0-9+/_=-])")
_HEX_OR_UUID = re.compile(r"[0-9a-fA-F-]+")
_MIN_ENTROPY_BITS = 4.0


def _placeholder(kind: str) -> str:
    return f"{MARKER_PREFIX}{kind}]"


def _shannon_bits(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _looks_random(token: str) -> bool:
    if _HEX_OR_UUID.fullmatch(token) or "[REDACTED" in token:
        return False
    classes = sum(bool(re.search(pattern, token)) for pattern in ("[a-z]", "[A-Z]", "[0-9]"))
    return classes == 3 and _shannon_bits(token) >= _MIN_ENTROPY_BITS


def _redact_high_entropy(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        return _placeholder("high_entropy") if _looks_random(token) else token

    return _TOKEN_CANDIDATE.sub(replace, text)


def _replacer(kind: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        if "secret" not in match.re.groupindex:
            return _placeholder(kind)
        start, end = match.span("secret")
        whole_start = match.start()
        text = match.group(0)
        return text[: start - whole_start] + _placeholder(kind) + text[end - whole_start :]

    return replace


def redact(text: str) -> str:
    """Replace every secret the rules recognise with a `[REDACTED:kind]` placeholder."""
    for kind, pattern in _RULES:
        text = pattern.sub(_replacer(kind), text)
    return _redact_high_entropy(text)


@dataclass(frozen=True)
class Redaction:
    """Text after redaction, and whether anything was masked (so the reporter can be told once)."""

    text: str
    masked: bool


def redact_found(text: str) -> Redaction:
    """Redact, and say whether this call masked anything (markers already present do not count)."""
    redacted = redact(text)
    return Redaction(redacted, redacted.count(MARKER_PREFIX) > text.count(MARKER_PREFIX))


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-like value; keys are kept, they name fields, not secrets."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(key): redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def redact_json(payload_json: str) -> str:
    """A JSON document with every string value redacted, still valid JSON (non-JSON is redacted as text)."""
    try:
        payload = json.loads(payload_json)
    except ValueError:
        return redact(payload_json)
    return json.dumps(redact_value(payload), ensure_ascii=False)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the rendered message and string `extra=` values of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
