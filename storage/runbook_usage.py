"""When each live runbook was last suggested and last confirmed ✅, with its counters (for staleness)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import as_utc
from storage.runbook_models import RunbookRow, RunbookSuggestionRow, RunbookVoteRow


@dataclass(frozen=True)
class RunbookUsageRecord:
    runbook_id: int
    title: str
    created_at: datetime
    last_suggested_at: datetime | None
    last_confirmed_at: datetime | None
    used: int
    worked: int


class RunbookUsageReader:
    """One row per runbook in a status (the live ones)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def usage(self, status: str) -> list[RunbookUsageRecord]:
        """Last suggestion, last ✅ vote and the used/worked counters of each runbook in `status`."""
        suggested = (
            select(RunbookSuggestionRow.runbook_id, func.max(RunbookSuggestionRow.created_at).label("at"))
            .group_by(RunbookSuggestionRow.runbook_id)
            .subquery()
        )
        confirmed = (
            select(RunbookVoteRow.runbook_id, func.max(RunbookVoteRow.created_at).label("at"))
            .where(RunbookVoteRow.worked.is_(True))
            .group_by(RunbookVoteRow.runbook_id)
            .subquery()
        )
        with self._sessions() as session:
            rows = session.execute(
                select(RunbookRow, suggested.c.at, confirmed.c.at)
                .outerjoin(suggested, suggested.c.runbook_id == RunbookRow.id)
                .outerjoin(confirmed, confirmed.c.runbook_id == RunbookRow.id)
                .where(RunbookRow.status == status)
                .order_by(RunbookRow.id)
            ).all()
        return [
            RunbookUsageRecord(
                runbook_id=row.id,
                title=row.title,
                created_at=as_utc(row.created_at),
                last_suggested_at=as_utc(last_suggested),
                last_confirmed_at=as_utc(last_confirmed),
                used=row.times_used,
                worked=row.times_worked,
            )
            for row, last_suggested, last_confirmed in rows
        ]
