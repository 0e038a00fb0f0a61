"""Repository for runbook revisions: a failed runbook's verdict, its v2, and the lineage of versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.runbook_models import RunbookRevisionRow, RunbookRow
from storage.runbooks import RunbookFields

# A chain longer than this is a data error, not a history worth walking.
MAX_VERSIONS = 50


@dataclass(frozen=True)
class NewRevision:
    case_id: int
    parent_id: int
    failure_kind: str
    reason: str
    evidence_json: str
    engine: str


class RunbookRevisionRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, new: NewRevision, draft: RunbookFields | None, version: int) -> RunbookRevisionRow:
        """Store the verdict and the v2 draft (if any) together, once per case and parent runbook."""
        with self._sessions() as session:
            runbook_id = None
            if draft is not None:
                child = RunbookRow(**draft.columns(), version=version)
                session.add(child)
                session.flush()
                runbook_id = child.id
            row = RunbookRevisionRow(
                case_id=new.case_id,
                parent_id=new.parent_id,
                runbook_id=runbook_id,
                failure_kind=new.failure_kind,
                reason=new.reason,
                evidence_json=new.evidence_json,
                engine=new.engine,
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # a concurrent run recorded it first: keep that one
                session.rollback()
                existing = self.for_case(new.case_id, new.parent_id)
                if existing is None:
                    raise
                return existing
            return row

    def for_case(self, case_id: int, parent_id: int) -> RunbookRevisionRow | None:
        with self._sessions() as session:
            return session.scalars(
                select(RunbookRevisionRow).where(
                    RunbookRevisionRow.case_id == case_id, RunbookRevisionRow.parent_id == parent_id
                )
            ).first()

    def for_runbook(self, runbook_id: int) -> RunbookRevisionRow | None:
        """The revision whose draft is this runbook."""
        with self._sessions() as session:
            return session.scalars(
                select(RunbookRevisionRow).where(RunbookRevisionRow.runbook_id == runbook_id)
            ).first()

    def for_runbooks(self, runbook_ids: list[int]) -> dict[int, RunbookRevisionRow]:
        """Revisions by the draft they produced."""
        if not runbook_ids:
            return {}
        with self._sessions() as session:
            rows = session.scalars(
                select(RunbookRevisionRow).where(RunbookRevisionRow.runbook_id.in_(runbook_ids))
            )
            return {int(r.runbook_id): r for r in rows if r.runbook_id is not None}

    def waiting_child(self, parent_id: int, statuses: tuple[str, ...]) -> RunbookRow | None:
        """A next version of this runbook still in review (one at a time per parent)."""
        with self._sessions() as session:
            return session.scalars(
                select(RunbookRow).where(RunbookRow.parent_id == parent_id, RunbookRow.status.in_(statuses))
            ).first()

    def set_card(self, revision_id: int, channel_id: str, card_ts: str) -> None:
        with self._sessions() as session:
            session.execute(
                update(RunbookRevisionRow)
                .where(RunbookRevisionRow.id == revision_id)
                .values(channel_id=channel_id, card_ts=card_ts)
            )
            session.commit()

    def set_rejection(self, revision_id: int, reason: str) -> None:
        with self._sessions() as session:
            session.execute(
                update(RunbookRevisionRow)
                .where(RunbookRevisionRow.id == revision_id)
                .values(rejection_reason=reason)
            )
            session.commit()

    def lineage(self, runbook_id: int) -> list[RunbookRow]:
        """Every version this runbook descends from and every version drafted from it, oldest first."""
        with self._sessions() as session:
            row = session.get(RunbookRow, runbook_id)
            if row is None:
                return []
            chain = [row]
            while chain[0].parent_id is not None and len(chain) < MAX_VERSIONS:
                parent = session.get(RunbookRow, chain[0].parent_id)
                if parent is None:
                    break
                chain.insert(0, parent)
            frontier = [runbook_id]
            while frontier and len(chain) < MAX_VERSIONS:
                children = list(
                    session.scalars(
                        select(RunbookRow).where(RunbookRow.parent_id.in_(frontier)).order_by(RunbookRow.id)
                    )
                )
                chain.extend(children)
                frontier = [c.id for c in children]
            return chain
