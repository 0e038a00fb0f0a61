"""Secret redaction: applied to every text before it is sent to an LLM or written to a log."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

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
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
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


def _placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


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
    return text


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
