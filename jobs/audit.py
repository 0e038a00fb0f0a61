"""How jobs write to the audit trail: one call, secrets scrubbed, a no-op when auditing is off."""

from __future__ import annotations

from typing import Any

from engine.redaction import redact
from jobs.runtime import JobContext


def scrub(value: Any) -> Any:
    """Redact every string inside a JSON-like value, so no token or password reaches the log."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def record_audit(
    ctx: JobContext,
    kind: str,
    *,
    case_id: int | None,
    actor: str,
    data: dict[str, Any],
    event_key: str | None = None,
) -> None:
    """Append one audit entry; give an event_key so a re-run job logs its event once."""
    if ctx.audit is None:
        return
    ctx.audit.append(kind, case_id=case_id, actor=actor, data=scrub(data), event_key=event_key)
