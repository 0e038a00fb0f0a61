"""Turn pydantic validation errors into one line per problem: `<file>: <field path>: <what is wrong>`."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

# A validator that knows the exact sub-field writes "argv[2]: …"; that prefix joins the field path.
_SUBPATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*): ")


def field_path(loc: tuple[int | str, ...]) -> str:
    """`("rules", 2, "level")` → `rules[2].level`; pydantic's `[key]` marker is dropped."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "[key]":
            path += f".{part}" if path else part
    return path


def _choices(expected: str) -> str:
    # pydantic says "'none', 'soft', 'hard' or 'forbidden'"; we say "none, soft, hard, forbidden".
    return expected.replace("' or '", "', '").replace("'", "")


def _message(error: Any) -> str:
    kind, ctx, msg = error["type"], error.get("ctx") or {}, error["msg"]
    if kind in ("enum", "literal_error"):
        return f"must be one of {_choices(str(ctx.get('expected', '')))}"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling, or remove it)"
    if kind == "missing":
        return "required"
    if kind == "value_error":
        return str(msg).removeprefix("Value error, ")
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind == "string_type":
        return "must be text"
    if kind == "list_type":
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a mapping"
    if kind == "too_short":
        return "must not be empty"
    return str(msg)[:1].lower() + str(msg)[1:]


def describe_validation_error(source: str, error: ValidationError) -> str:
    """Every problem in `error`, one per line, each prefixed by the file and the field path."""
    lines = []
    for item in error.errors():
        path, message = field_path(tuple(item["loc"])), _message(item)
        sub = _SUBPATH.match(message) if item["type"] == "value_error" else None
        if sub:
            path = f"{path}.{sub.group(1)}" if path else sub.group(1)
            message = message[sub.end() :]
        lines.append(f"{source}: {path}: {message}" if path else f"{source}: {message}")
    return "\n".join(lines)
