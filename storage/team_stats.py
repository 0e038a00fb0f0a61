"""Read-only queries behind `/faultmaven stats`: cases and outcomes, runbook votes, approvals, LLM cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.action_models import ActionProposalRow
from storage.cases import team_filter
from storage.learning_models import CaseOutcomeRow
from storage.llm_usage import LlmUsageRow
from storage.models import Case, as_utc
from storage.runbook_models import RunbookRow, RunbookSuggestionRow, RunbookVoteRow


@dataclass(frozen=True)
class CaseRecord:
    case: Case
    outcome: CaseOutcomeRow | None
    had_runbook: bool


@dataclass(frozen=True)
class RunbookRecord:
    runbook_id: int
    title: str
    used: int
    worked: int


@dataclass(frozen=True)
class ApprovalRecord:
    status: str
    requested_at: datetime
    decided_at: datetime | None


class TeamStatsReader:
    """Everything since a moment, optionally for one service (matched case-insensitively); `scoped`
    to one Slack workspace, only that workspace's cases and what was done on them."""

    def __init__(self, sessions: sessionmaker[Session], team_id: str | None = None) -> None:
        self._sessions = sessions
        self.team_id = team_id

    def scoped(self, team_id: str | None) -> TeamStatsReader:
        """The same reader, counting only `team_id`'s cases (None or "": every case)."""
        return TeamStatsReader(self._sessions, team_id or None)

    def _cases_since(self, since: datetime, service: str) -> Select[int]:
        query = select(Case.id).where(Case.created_at >= since, team_filter(self.team_id))
        return query.where(func.lower(Case.service) == service.lower()) if service else query

    def _team_cases(self) -> Select[int]:
        return select(Case.id).where(team_filter(self.team_id))

    def cases(self, since: datetime, service: str = "") -> list[CaseRecord]:
        """Cases opened since `since`, with their outcome and whether a runbook was suggested."""
        suggested = select(RunbookSuggestionRow.case_id).distinct()
        with self._sessions() as session:
            rows = session.execute(
                select(Case, CaseOutcomeRow, Case.id.in_(suggested))
                .outerjoin(CaseOutcomeRow, CaseOutcomeRow.case_id == Case.id)
                .where(Case.id.in_(self._cases_since(since, service)))
                .order_by(Case.created_at, Case.id)
            ).all()
        return [CaseRecord(case, outcome, bool(had)) for case, outcome, had in rows]

    def runbooks(self, since: datetime, service: str = "") -> list[RunbookRecord]:
        """Per runbook: cases it was voted on since `since`, and on how many ✅ outnumbered ❌."""
        query = select(RunbookVoteRow.runbook_id, RunbookVoteRow.case_id, RunbookVoteRow.worked).where(
            RunbookVoteRow.created_at >= since
        )
        if service:
            query = query.where(RunbookVoteRow.case_id.in_(self._cases_since(since, service)))
        elif self.team_id:
            query = query.where(RunbookVoteRow.case_id.in_(self._team_cases()))
        with self._sessions() as session:
            votes = session.execute(query).all()
            titles = dict(session.execute(select(RunbookRow.id, RunbookRow.title)).all())
        # A case counts once per runbook, as "worked" when ✅ outnumber ❌ (the runbook counters' rule).
        balance: dict[tuple[int, int], int] = {}
        for runbook_id, case_id, worked in votes:
            balance[(runbook_id, case_id)] = balance.get((runbook_id, case_id), 0) + (1 if worked else -1)
        used: dict[int, int] = {}
        worked_cases: dict[int, int] = {}
        for (runbook_id, _case_id), value in balance.items():
            used[runbook_id] = used.get(runbook_id, 0) + 1
            worked_cases[runbook_id] = worked_cases.get(runbook_id, 0) + (1 if value > 0 else 0)
        return [
            RunbookRecord(rid, str(titles.get(rid, "")), used[rid], worked_cases[rid]) for rid in sorted(used)
        ]

    def approvals(self, since: datetime, service: str = "") -> list[ApprovalRecord]:
        """Action proposals made since `since`, with when they were decided."""
        query = select(ActionProposalRow).where(ActionProposalRow.created_at >= since)
        if service:
            query = query.where(ActionProposalRow.case_id.in_(self._cases_since(since, service)))
        elif self.team_id:
            query = query.where(ActionProposalRow.case_id.in_(self._team_cases()))
        with self._sessions() as session:
            rows = session.scalars(query).all()
        return [ApprovalRecord(r.status, as_utc(r.created_at), as_utc(r.decided_at)) for r in rows]

    def llm_cost(self, since: datetime, service: str = "") -> float:
        """Dollars spent on LLM calls since `since`."""
        query = select(func.coalesce(func.sum(LlmUsageRow.cost_usd), 0.0)).where(
            LlmUsageRow.created_at >= since
        )
        if service:
            query = query.where(LlmUsageRow.case_id.in_(self._cases_since(since, service)))
        elif self.team_id:
            query = query.where(LlmUsageRow.case_id.in_(self._team_cases()))
        with self._sessions() as session:
            return float(session.scalar(query) or 0.0)
