"""Which live runbooks are stale, for the review queue."""

from __future__ import annotations

from engine.learning.staleness import RunbookUsage, StaleRunbook, stale_runbooks
from engine.runbooks.models import RunbookStatus
from jobs.runtime import JobContext
from storage.models import utcnow


def find_stale_runbooks(ctx: JobContext) -> list[StaleRunbook]:
    """Active runbooks not suggested / not confirmed for the configured days, or working too rarely."""
    learning = ctx.learning
    if learning is None:
        return []
    usages = [
        RunbookUsage(
            ref=f"RB-{u.runbook_id:04d}",
            title=u.title,
            created_at=u.created_at,
            last_suggested_at=u.last_suggested_at,
            last_confirmed_at=u.last_confirmed_at,
            used=u.used,
            worked=u.worked,
        )
        for u in learning.runbook_usage.usage(RunbookStatus.ACTIVE.value)
    ]
    return stale_runbooks(usages, utcnow(), learning.stale_days, learning.stale_min_success)
