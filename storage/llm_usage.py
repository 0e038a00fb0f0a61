"""Token use and cost of every LLM call, per case: the table and its repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from storage.models import Base, utcnow


class LlmUsageRow(Base):
    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    # The job that made the call (diagnose_case:12, answer_in_thread:40): ties cost to a turn.
    job_key: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_read_input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cache_creation_input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class UsageRecord:
    """One call to store; plain values so storage needs nothing from engine."""

    model: str
    purpose: str
    outcome: str
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int
    cost_usd: float
    latency_ms: int


@dataclass(frozen=True)
class UsageTotals:
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


class LlmUsageRepository:
    """Writes and sums LLM usage rows."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, case_id: int | None, job_key: str, records: list[UsageRecord]) -> None:
        """Store the calls one job made (nothing when it made none)."""
        if not records:
            return
        with self._sessions() as session:
            session.add_all(LlmUsageRow(case_id=case_id, job_key=job_key, **r.__dict__) for r in records)
            session.commit()

    def totals_for_case(self, case_id: int) -> UsageTotals:
        """Calls, tokens and dollars spent on one case so far."""
        with self._sessions() as session:
            row = session.execute(
                select(
                    func.count(LlmUsageRow.id),
                    func.coalesce(func.sum(LlmUsageRow.input_tokens), 0),
                    func.coalesce(func.sum(LlmUsageRow.output_tokens), 0),
                    func.coalesce(func.sum(LlmUsageRow.cost_usd), 0.0),
                ).where(LlmUsageRow.case_id == case_id)
            ).one()
            return UsageTotals(int(row[0]), int(row[1]), int(row[2]), round(float(row[3]), 6))
