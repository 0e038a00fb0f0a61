"""Credentials never travel in an action's parameters: the executor holds its own."""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.redaction import redact_found

# Parameter names that say "this is a credential". Matched on the whole name, case-insensitively,
# so `secret_name` or `token_ttl` would still be refused: better a retyped proposal than a leak.
_CREDENTIAL_NAME = re.compile(
    r"(?i)(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|client[_-]?secret|credentials?|authorization|bearer|session[_-]?key)"
)
CREDENTIALS_HINT = (
    "Keep credentials in the executor's own configuration (its environment or secret store), "
    "never in an action's parameters: FaultMaven shows parameters on approval cards and keeps "
    "them in the audit trail."
)


def credential_parameters(parameters: Mapping[str, str]) -> list[str]:
    """The names of parameters that are, or carry, a credential (by name or by value)."""
    return sorted(
        name
        for name, value in parameters.items()
        if _CREDENTIAL_NAME.search(name) or redact_found(f"{name}={value}").masked
    )


def credential_refusal(parameters: Mapping[str, str]) -> str | None:
    """Why a proposal with these parameters is refused, or None when none looks like a credential."""
    names = credential_parameters(parameters)
    if not names:
        return None
    return f"I won't propose an action with {', '.join(f'`{n}`' for n in names)} in it. {CREDENTIALS_HINT}"
