"""How jobs write to the audit trail: one call, secrets scrubbed, a no-op when auditing is off."""

from __future__ import annotations

from typing import Any

from engine.redaction import redact_value
from jobs.runtime import JobContext


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
    ctx.audit.append(kind, case_id=case_id, actor=actor, data=redact_value(data), event_key=event_key)
