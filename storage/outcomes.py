"""Repository for case outcomes and the per-signature figures derived from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from statistics import mean, median

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.learning_models import CaseOutcomeRow, PatternStatsRow
from storage.models import Case, as_utc, utcnow

LEVEL_COLUMNS = {"L1": "l1", "L2": "l2", "L3": "l3", "escalated": "escalated"}

Interval = Callable[[int, int], tuple[float, float]]


@dataclass(frozen=True)
class OutcomeFields:
    """Column values of one case outcome."""

    case_id: int
    resolution_id: int | None
    channel_id: str
    signature: str
    category: str
    pattern: str
    service: str
    level: str
    fix_key: str
    success: bool
    failed_fix_keys: str
    inferred: bool
    stated_fix: str
    opened_at: datetime
    resolved_at: datetime
    time_to_resolution_s: int
    time_to_first_useful_s: int | None


class OutcomeRepository:
    """Outcomes are upserted per case; a signature's figures are recomputed from its outcomes.

    Recomputed rather than incremented: re-deriving an outcome when a late vote arrives, or a
    retried job, can then never count a case twice.
    """

    def __init__(self, sessions: sessionmaker[Session], interval: Interval) -> None:
        self._sessions = sessions
        self._interval = interval

    def record(self, fields: OutcomeFields, resolved_status: str) -> CaseOutcomeRow:
        """Mark the case resolved, upsert its outcome, refresh the signatures it touches: one transaction."""
        with self._sessions() as session:
            session.execute(update(Case).where(Case.id == fields.case_id).values(status=resolved_status))
            row = session.scalars(
                select(CaseOutcomeRow).where(CaseOutcomeRow.case_id == fields.case_id)
            ).first()
            touched = {fields.signature}
            if row is None:
                row = CaseOutcomeRow(**asdict(fields))
                session.add(row)
            else:
                touched.add(row.signature)
                for name, value in asdict(fields).items():
                    setattr(row, name, value)
            session.flush()
            for signature in sorted(touched):
                self._refresh(session, signature)
            session.commit()
            return row

    def _refresh(self, session: Session, signature: str) -> None:
        stats = self._locked_stats(session, signature)
        outcomes = list(session.scalars(select(CaseOutcomeRow).where(CaseOutcomeRow.signature == signature)))
        times = [o.time_to_resolution_s for o in outcomes]
        successes = sum(1 for o in outcomes if o.success)
        low, high = self._interval(successes, len(outcomes))
        counts = {column: 0 for column in LEVEL_COLUMNS.values()}
        for outcome in outcomes:
            counts[LEVEL_COLUMNS[outcome.level]] += 1
        latest = max(outcomes, key=lambda o: as_utc(o.resolved_at), default=None)
        if latest is not None:
            stats.category, stats.pattern, stats.service = latest.category, latest.pattern, latest.service
        stats.occurrences = len(outcomes)
        stats.l1, stats.l2, stats.l3, stats.escalated = (
            counts["l1"],
            counts["l2"],
            counts["l3"],
            counts["escalated"],
        )
        stats.successes, stats.success_low, stats.success_high = successes, low, high
        stats.mean_resolution_s = float(mean(times)) if times else None
        stats.median_resolution_s = float(median(times)) if times else None
        stats.last_seen_at = latest.resolved_at if latest else None
        stats.updated_at = utcnow()

    @staticmethod
    def _locked_stats(session: Session, signature: str) -> PatternStatsRow:
        """The signature's row, created if new and locked (PostgreSQL) so two resolutions queue up."""
        by_key = select(PatternStatsRow).where(PatternStatsRow.signature == signature)
        if session.scalars(by_key).first() is None:
            category, pattern, service = [*signature.split("|"), "", "", ""][:3]
            try:
                with session.begin_nested():
                    session.add(
                        PatternStatsRow(
                            signature=signature,
                            category=category,
                            pattern=pattern,
                            service="" if service == "-" else service,
                        )
                    )
            except IntegrityError:
                pass  # a concurrent resolution created it; the lock below waits for that one
        return session.scalars(by_key.with_for_update()).one()

    def set_question(self, case_id: int, question_ts: str) -> None:
        """Where "how was it resolved?" was asked."""
        with self._sessions() as session:
            session.execute(
                update(CaseOutcomeRow)
                .where(CaseOutcomeRow.case_id == case_id)
                .values(question_ts=question_ts)
            )
            session.commit()

    def state_level(self, case_id: int, level: str) -> None:
        """Record people's answer; the next record() of the case applies it."""
        with self._sessions() as session:
            session.execute(
                update(CaseOutcomeRow).where(CaseOutcomeRow.case_id == case_id).values(stated_level=level)
            )
            session.commit()

    def for_case(self, case_id: int) -> CaseOutcomeRow | None:
        """The outcome of one case, if it is resolved."""
        with self._sessions() as session:
            return session.scalars(select(CaseOutcomeRow).where(CaseOutcomeRow.case_id == case_id)).first()

    def stats(self, signature: str) -> PatternStatsRow | None:
        """The figures of one problem signature."""
        with self._sessions() as session:
            return session.get(PatternStatsRow, signature)

    def outcomes(self, since: datetime | None = None, signature: str | None = None) -> list[CaseOutcomeRow]:
        """Outcomes resolved since a moment (all when None), oldest first."""
        query = select(CaseOutcomeRow).order_by(CaseOutcomeRow.resolved_at, CaseOutcomeRow.id)
        if since is not None:
            query = query.where(CaseOutcomeRow.resolved_at >= since)
        if signature is not None:
            query = query.where(CaseOutcomeRow.signature == signature)
        with self._sessions() as session:
            return list(session.scalars(query))
