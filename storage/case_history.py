"""Read-only history of resolved cases (report, human evidence, outcome), for memory and recurrence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from storage.cases import team_filter
from storage.learning_models import CaseOutcomeRow
from storage.models import Case, as_utc

# Memory reads the newest cases first; older ones matter less and cost embedding time.
HISTORY_LIMIT = 2000
# `/faultmaven list` shows this many and says how many more there are.
LIST_LIMIT = 30


@dataclass(frozen=True)
class ResolvedCase:
    case_id: int
    ref: str
    channel_id: str
    root_ts: str | None
    text: str
    stated_fix: str
    level: str
    fix_key: str
    signature: str
    opened_at: datetime
    resolved_at: datetime
    time_to_resolution_s: int


def _human(case: Case) -> list[str]:
    return [m.text for m in case.messages if not m.from_bot]


class CaseHistoryReader:
    """Resolved cases with their outcome, newest first; `scoped` to one workspace's cases."""

    def __init__(self, sessions: sessionmaker[Session], team_id: str | None = None) -> None:
        self._sessions = sessions
        self.team_id = team_id

    def scoped(self, team_id: str | None) -> CaseHistoryReader:
        """The same reader, seeing only `team_id`'s cases (None or "": every case)."""
        return CaseHistoryReader(self._sessions, team_id or None)

    def resolved(self, limit: int = HISTORY_LIMIT) -> list[ResolvedCase]:
        """The newest resolved cases: title, description and human messages, with how each ended."""
        with self._sessions() as session:
            rows = session.execute(
                select(CaseOutcomeRow, Case)
                .join(Case, Case.id == CaseOutcomeRow.case_id)
                .where(team_filter(self.team_id))
                .options(selectinload(Case.messages))
                .order_by(CaseOutcomeRow.resolved_at.desc(), CaseOutcomeRow.id.desc())
                .limit(limit)
            ).all()
        return [
            ResolvedCase(
                case_id=case.id,
                ref=case.ref,
                channel_id=case.channel_id,
                root_ts=case.root_ts,
                text="\n".join(
                    [case.title, case.description, *(m.text for m in case.messages if not m.from_bot)]
                ),
                stated_fix=outcome.stated_fix,
                level=outcome.level,
                fix_key=outcome.fix_key,
                signature=outcome.signature,
                opened_at=as_utc(outcome.opened_at),
                resolved_at=as_utc(outcome.resolved_at),
                time_to_resolution_s=outcome.time_to_resolution_s,
            )
            for outcome, case in rows
        ]

    def opened_since(self, signature: str, since: datetime) -> list[datetime]:
        """When the resolved cases of one signature were opened, since a moment."""
        with self._sessions() as session:
            found = session.scalars(
                select(CaseOutcomeRow.opened_at)
                .join(Case, Case.id == CaseOutcomeRow.case_id)
                .where(
                    CaseOutcomeRow.signature == signature,
                    CaseOutcomeRow.opened_at >= since,
                    team_filter(self.team_id),
                )
            ).all()
        return [as_utc(t) for t in found]

    def open_cases(self, resolved_status: str, channel_id: str | None, limit: int = LIST_LIMIT) -> list[Case]:
        """Cases not resolved, in one channel (None: everywhere), newest first; one more than asked."""
        query = select(Case).where(Case.status != resolved_status, team_filter(self.team_id))
        if channel_id is not None:
            query = query.where(Case.channel_id == channel_id)
        query = query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)
        with self._sessions() as session:
            return list(session.scalars(query))

    def outcome(self, case_id: int) -> CaseOutcomeRow | None:
        """How a case was resolved, if it was."""
        with self._sessions() as session:
            return session.scalars(select(CaseOutcomeRow).where(CaseOutcomeRow.case_id == case_id)).first()
