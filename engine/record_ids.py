"""Ids of our own records (cases, runbooks, proposals) as they arrive in button values and typed refs.

The one parser every surface uses: ASCII digits only (`'²'.isdigit()` is True, and `int('٣')` is 3),
at most 19 of them, and within a signed 64-bit integer, so a forged or garbled value is refused at the
edge instead of overflowing a database column in every retry of a job.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field, Strict, TypeAdapter, ValidationError

MAX_RECORD_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_REF = re.compile(r"#?(?:(?P<prefix>[A-Za-z]{2})-?)?(?P<digits>[0-9]{1,19})")


def _from_ascii_digits(value: object) -> object:
    if isinstance(value, str):
        if not _ASCII_DIGITS.fullmatch(value):
            raise ValueError("an id is 1 to 19 ASCII digits")
        return int(value)
    return value


RecordId = Annotated[int, BeforeValidator(_from_ascii_digits), Strict(), Field(ge=1, le=MAX_RECORD_ID)]
_RECORD_ID: TypeAdapter[int] = TypeAdapter(RecordId)


def parse_record_id(text: str) -> int | None:
    """`"42"` → 42; anything that is not a positive id in range → None."""
    try:
        return _RECORD_ID.validate_python(text)
    except ValidationError:
        return None


def parse_record_ref(text: str, prefix: str) -> int | None:
    """`FM-12`, `fm12`, `#12` or `12` (for prefix "FM") → 12; another prefix or a bad id → None."""
    match = _REF.fullmatch(text.strip())
    if match is None:
        return None
    given = match.group("prefix")
    if given is not None and given.upper() != prefix.upper():
        return None
    return parse_record_id(match.group("digits"))


def parse_record_id_pair(text: str) -> tuple[int, int] | None:
    """`"12:34"` → (12, 34), for buttons that carry two ids; anything else → None."""
    first, separator, second = text.partition(":")
    left, right = parse_record_id(first), parse_record_id(second)
    return (left, right) if separator and left is not None and right is not None else None
