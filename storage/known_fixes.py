"""Repository for known fixes (proposed, approved, rejected, disabled) and the cases they answered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.learning_models import CaseOutcomeRow, KnownFixRow, KnownFixUseRow
from storage.models import Case, utcnow


@dataclass(frozen=True)
class NewKnownFix:
    signature: str
    fix_key: str
    fix_text: str
    successes: int
    trials: int
    evidence_json: str


# `card_ts` while one run posts the review card: two jobs resolving cases of one problem at once
# (several workers) must not both post it.
CARD_POSTING = "posting"


class KnownFixRepository:
    """One row per (signature, fix); status moves only from an expected status, so two clicks race safely."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def propose(self, new: NewKnownFix) -> KnownFixRow | None:
        """Insert a proposal; None when this fix was already proposed for this signature (any status)."""
        with self._sessions() as session:
            row = KnownFixRow(**new.__dict__, status="proposed")
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return None
            return row

    def get(self, fix_id: int) -> KnownFixRow | None:
        """One known fix."""
        with self._sessions() as session:
            return session.get(KnownFixRow, fix_id)

    def find(self, signature: str, fix_key: str) -> KnownFixRow | None:
        """This fix for this signature, whatever its status."""
        with self._sessions() as session:
            return session.scalars(
                select(KnownFixRow).where(KnownFixRow.signature == signature, KnownFixRow.fix_key == fix_key)
            ).first()

    def approved_for(self, signature: str) -> KnownFixRow | None:
        """The approved fix of a signature with the best record, if any."""
        with self._sessions() as session:
            return session.scalars(
                select(KnownFixRow)
                .where(KnownFixRow.signature == signature, KnownFixRow.status == "approved")
                .order_by(KnownFixRow.successes.desc(), KnownFixRow.id)
            ).first()

    def decide(self, fix_id: int, expected: str, status: str, reviewer: str, **texts: str | None) -> bool:
        """Move from `expected` to `status`, recording who and why; False when someone got there first."""
        with self._sessions() as session:
            result = session.execute(
                update(KnownFixRow)
                .where(KnownFixRow.id == fix_id, KnownFixRow.status == expected)
                .values(status=status, reviewer=reviewer, decided_at=utcnow(), **texts)
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))

    def claim_card(self, fix_id: int) -> bool:
        """Take the one right to post this fix's review card; False when another run has it."""
        with self._sessions() as session:
            result = session.execute(
                update(KnownFixRow)
                .where(KnownFixRow.id == fix_id, KnownFixRow.card_ts.is_(None))
                .values(card_ts=CARD_POSTING)
            )
            session.commit()
        return bool(getattr(result, "rowcount", 0))

    def set_card(self, fix_id: int, channel_id: str, card_ts: str) -> None:
        """Where the review card was posted."""
        with self._sessions() as session:
            session.execute(
                update(KnownFixRow)
                .where(KnownFixRow.id == fix_id)
                .values(channel_id=channel_id, card_ts=card_ts)
            )
            session.commit()

    def record_use(self, case_id: int, fix_id: int) -> None:
        """Remember that a case was answered with a known fix (once per case)."""
        with self._sessions() as session:
            session.add(KnownFixUseRow(case_id=case_id, known_fix_id=fix_id))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()

    def used_on(self, case_id: int) -> KnownFixRow | None:
        """The known fix a case was answered with, if any."""
        with self._sessions() as session:
            return session.scalars(
                select(KnownFixRow)
                .join(KnownFixUseRow, KnownFixUseRow.known_fix_id == KnownFixRow.id)
                .where(KnownFixUseRow.case_id == case_id)
            ).first()

    def trials(self, signature: str) -> list[tuple[int, CaseOutcomeRow]]:
        """(case id, outcome) for every resolved case of a signature, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(Case.id, CaseOutcomeRow)
                .join(Case, Case.id == CaseOutcomeRow.case_id)
                .where(CaseOutcomeRow.signature == signature)
                .order_by(CaseOutcomeRow.resolved_at, CaseOutcomeRow.id)
            ).all()
        return [(int(case_id), outcome) for case_id, outcome in rows]
