"""Read-only queries for App Home: a person's open cases, and what waits for a decision."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.action_models import ActionProposalRow
from storage.cases import team_filter
from storage.learning_models import KnownFixRow
from storage.models import Case
from storage.runbook_models import RunbookRow

HOME_LIMIT = 10


class HomeItemsReader:
    """Newest first, at most HOME_LIMIT of each; cases and approvals `scoped` to one workspace."""

    def __init__(self, sessions: sessionmaker[Session], team_id: str | None = None) -> None:
        self._sessions = sessions
        self.team_id = team_id

    def scoped(self, team_id: str | None) -> HomeItemsReader:
        """The same reader, showing only `team_id`'s cases and approvals (None or "": all)."""
        return HomeItemsReader(self._sessions, team_id or None)

    def open_cases_of(self, user_id: str, resolved_status: str) -> list[Case]:
        """Cases this person reported that are not resolved."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(Case)
                    .where(
                        Case.reporter_id == user_id, Case.status != resolved_status, team_filter(self.team_id)
                    )
                    .order_by(Case.created_at.desc(), Case.id.desc())
                    .limit(HOME_LIMIT)
                )
            )

    def pending_approvals(self, pending_status: str) -> list[tuple[ActionProposalRow, list[str]]]:
        """Action requests waiting for a vote, with who may approve each (users and groups)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(ActionProposalRow)
                .where(
                    ActionProposalRow.status == pending_status,
                    ActionProposalRow.case_id.in_(select(Case.id).where(team_filter(self.team_id))),
                )
                .order_by(ActionProposalRow.created_at.desc(), ActionProposalRow.id.desc())
            ).all()
        return [(row, [str(a) for a in json.loads(row.approvers_json or "[]")]) for row in rows]

    def runbooks_awaiting_review(self, statuses: tuple[str, ...]) -> list[RunbookRow]:
        """Drafted runbooks not yet reviewed."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(RunbookRow)
                    .where(RunbookRow.status.in_(statuses))
                    .order_by(RunbookRow.created_at.desc(), RunbookRow.id.desc())
                    .limit(HOME_LIMIT)
                )
            )

    def proposed_known_fixes(self) -> list[KnownFixRow]:
        """Known fixes waiting for a reviewer."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(KnownFixRow)
                    .where(KnownFixRow.status == "proposed")
                    .order_by(KnownFixRow.created_at.desc(), KnownFixRow.id.desc())
                    .limit(HOME_LIMIT)
                )
            )
