"""Read-only views of what happened on a case (suggested runbooks and votes, actions run), for learning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.action_models import ActionExecutionRow, ActionProposalRow
from storage.models import as_utc
from storage.runbook_models import RunbookRow, RunbookSuggestionRow, RunbookVoteRow


@dataclass(frozen=True)
class SuggestedRunbook:
    runbook_id: int
    status: str
    score: float
    suggested_at: datetime
    worked: int
    failed: int


@dataclass(frozen=True)
class ActionRecord:
    proposal_id: int
    action: str
    command: str
    ok: bool
    verified: str | None
    executed_at: datetime


class CaseFactsReader:
    """Queries across the runbook and action tables, keyed by case."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def runbooks(self, case_id: int) -> list[SuggestedRunbook]:
        """Runbooks suggested on the case, best first, with their ✅/❌ vote counts."""
        with self._sessions() as session:
            suggested = session.execute(
                select(RunbookSuggestionRow, RunbookRow.status)
                .join(RunbookRow, RunbookRow.id == RunbookSuggestionRow.runbook_id)
                .where(RunbookSuggestionRow.case_id == case_id)
                .order_by(RunbookSuggestionRow.score.desc(), RunbookSuggestionRow.runbook_id)
            ).all()
            votes = session.execute(
                select(RunbookVoteRow.runbook_id, RunbookVoteRow.worked, func.count(RunbookVoteRow.id))
                .where(RunbookVoteRow.case_id == case_id)
                .group_by(RunbookVoteRow.runbook_id, RunbookVoteRow.worked)
            ).all()
        counts: dict[tuple[int, bool], int] = {(rid, bool(w)): int(n) for rid, w, n in votes}
        return [
            SuggestedRunbook(
                runbook_id=row.runbook_id,
                status=status,
                score=row.score,
                suggested_at=as_utc(row.created_at),
                worked=counts.get((row.runbook_id, True), 0),
                failed=counts.get((row.runbook_id, False), 0),
            )
            for row, status in suggested
        ]

    def actions(self, case_id: int) -> list[ActionRecord]:
        """Actions really executed on the case (dry runs fix nothing), oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(ActionProposalRow, ActionExecutionRow)
                .join(ActionExecutionRow, ActionExecutionRow.proposal_id == ActionProposalRow.id)
                .where(
                    ActionProposalRow.case_id == case_id,
                    ActionProposalRow.purpose == "execute",
                    ActionExecutionRow.purpose == "execute",
                    ActionExecutionRow.dry_run.is_(False),
                )
                .order_by(ActionExecutionRow.created_at, ActionExecutionRow.id)
            ).all()
        return [
            ActionRecord(
                proposal_id=proposal.id,
                action=proposal.action,
                command=proposal.command,
                ok=execution.ok,
                verified=proposal.verified,
                executed_at=as_utc(execution.created_at),
            )
            for proposal, execution in rows
        ]
