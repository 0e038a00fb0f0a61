"""Repository for proposed actions: state changes are conditional updates, so races have one winner."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.action_models import ActionExecutionRow, ActionProposalRow, ActionVoteRow
from storage.models import Base, utcnow
from storage.outbox import PendingJob, record_pending_job

RowT = TypeVar("RowT", bound=Base)


@dataclass(frozen=True)
class NewProposal:
    dedupe_key: str
    case_id: int
    action: str
    target: str
    risk: str
    requester: str
    level: str
    quorum: str
    rule: str
    critical: bool
    timeout_seconds: int
    undo_seconds: int
    status: str
    channel_id: str
    thread_ts: str
    expires_at: datetime | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    approvers: tuple[str, ...] = ()
    command: str = ""
    rollback: str = ""
    reason: str = ""
    purpose: str = "execute"
    parent_id: int | None = None


@dataclass(frozen=True)
class NewExecution:
    proposal_id: int
    idempotency_key: str
    purpose: str
    executor: str
    dry_run: bool
    ok: bool
    summary: str
    output: str = ""
    status_code: int | None = None
    details: dict[str, str] = field(default_factory=dict)
    rollback: str = ""


class ActionRepository:
    """Proposals, votes and executions; every write that decides something says whether it won."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record_request(self, job: PendingJob) -> bool:
        """Store a clicked-for job before enqueueing it (a Redis outage loses nothing); False if seen."""
        return record_pending_job(self._sessions, job)

    def create(self, new: NewProposal) -> tuple[ActionProposalRow, bool]:
        """Insert a proposal once per dedupe key; returns (row, created)."""
        values: dict[str, Any] = {
            k: v for k, v in new.__dict__.items() if k not in ("parameters", "approvers")
        }
        row = ActionProposalRow(
            **values,
            parameters_json=json.dumps(new.parameters, sort_keys=True),
            approvers_json=json.dumps(list(new.approvers)),
        )
        return self._insert_once(row, ActionProposalRow.dedupe_key == new.dedupe_key)

    def get(self, proposal_id: int) -> ActionProposalRow | None:
        """One proposal."""
        with self._sessions() as session:
            return session.get(ActionProposalRow, proposal_id)

    def for_case(self, case_id: int) -> list[ActionProposalRow]:
        """A case's proposals, oldest first."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(ActionProposalRow)
                    .where(ActionProposalRow.case_id == case_id)
                    .order_by(ActionProposalRow.id)
                )
            )

    def set_fields(self, proposal_id: int, **values: object) -> None:
        """Set bookkeeping columns (card_ts, result_ts, verified…)."""
        with self._sessions() as session:
            session.execute(
                update(ActionProposalRow).where(ActionProposalRow.id == proposal_id).values(**values)
            )
            session.commit()

    def transition(
        self, proposal_id: int, expected: tuple[str, ...], status: str, by: str | None = None
    ) -> bool:
        """Move to `status` only from one of `expected`; exactly one of two racing callers gets True."""
        values: dict[str, object] = {"status": status, "updated_at": utcnow()}
        if by is not None:
            values.update(decided_by=by, decided_at=utcnow())
        with self._sessions() as session:
            result = session.execute(
                update(ActionProposalRow)
                .where(ActionProposalRow.id == proposal_id, ActionProposalRow.status.in_(expected))
                .values(**values)
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def add_vote(self, proposal_id: int, voter: str, kind: str, reason: str = "") -> bool:
        """Record a vote (a Deny with the reason given, if any); False when this person already voted."""
        with self._sessions() as session:
            session.add(ActionVoteRow(proposal_id=proposal_id, voter=voter, kind=kind, reason=reason))
            try:
                session.commit()
                return True
            except IntegrityError:
                session.rollback()
                return False

    def votes(self, proposal_id: int) -> list[ActionVoteRow]:
        """Votes in the order they were cast."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(ActionVoteRow)
                    .where(ActionVoteRow.proposal_id == proposal_id)
                    .order_by(ActionVoteRow.id)
                )
            )

    def approvals(self, proposal_id: int) -> int:
        """How many distinct people approved."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count(ActionVoteRow.id)).where(
                        ActionVoteRow.proposal_id == proposal_id, ActionVoteRow.kind == "approve"
                    )
                )
                or 0
            )

    def record_execution(self, new: NewExecution) -> tuple[ActionExecutionRow, bool]:
        """The change record, once per idempotency key."""
        values: dict[str, Any] = {k: v for k, v in new.__dict__.items() if k != "details"}
        row = ActionExecutionRow(**values, details_json=json.dumps(new.details, sort_keys=True))
        return self._insert_once(row, ActionExecutionRow.idempotency_key == new.idempotency_key)

    def _insert_once(self, row: RowT, same: ColumnElement[bool]) -> tuple[RowT, bool]:
        """Insert `row`; when its unique key already exists, return the stored row instead."""
        with self._sessions() as session:
            session.add(row)
            try:
                session.commit()
                return row, True
            except IntegrityError:
                session.rollback()
            return session.scalars(select(type(row)).where(same)).one(), False

    def executions(self, proposal_id: int) -> list[ActionExecutionRow]:
        """What ran for a proposal, oldest first."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(ActionExecutionRow)
                    .where(ActionExecutionRow.proposal_id == proposal_id)
                    .order_by(ActionExecutionRow.id)
                )
            )
