"""SQL tables for learning: how each case was resolved, and the figures per problem signature."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class CaseOutcomeRow(Base):
    """One per resolved case: its level, the fix that worked, and its times. Re-derived on new evidence."""

    __tablename__ = "case_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    resolution_id: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(300), index=True)
    category: Mapped[str] = mapped_column(String(40))
    pattern: Mapped[str] = mapped_column(String(120))
    service: Mapped[str] = mapped_column(String(120), default="")
    level: Mapped[str] = mapped_column(String(16))
    # runbook:<id> | action:<key> | known_fix:<id> | "" : what "resolved the same way" compares.
    fix_key: Mapped[str] = mapped_column(String(120), default="")
    success: Mapped[bool] = mapped_column(Boolean)
    # Fixes tried on the case that did not work (space-separated fix keys): the other half of a success rate.
    failed_fix_keys: Mapped[str] = mapped_column(Text, default="")
    inferred: Mapped[bool] = mapped_column(Boolean)
    # The answer to "how was it resolved?", asked only when nothing in the case said; it wins.
    stated_level: Mapped[str | None] = mapped_column(String(16))
    question_ts: Mapped[str | None] = mapped_column(String(32))
    stated_fix: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    time_to_resolution_s: Mapped[int] = mapped_column(Integer)
    time_to_first_useful_s: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PatternStatsRow(Base):
    """Figures for one problem signature, recomputed from its outcomes whenever one of them changes."""

    __tablename__ = "pattern_stats"

    signature: Mapped[str] = mapped_column(String(300), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    pattern: Mapped[str] = mapped_column(String(120))
    service: Mapped[str] = mapped_column(String(120), default="")
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    l1: Mapped[int] = mapped_column(Integer, default=0)
    l2: Mapped[int] = mapped_column(Integer, default=0)
    l3: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[int] = mapped_column(Integer, default=0)
    success_low: Mapped[float] = mapped_column(Float, default=0.0)
    success_high: Mapped[float] = mapped_column(Float, default=1.0)
    mean_resolution_s: Mapped[float | None] = mapped_column(Float)
    median_resolution_s: Mapped[float | None] = mapped_column(Float)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class KnownFixRow(Base):
    """A fix proven on one problem signature: proposed, then approved (matched first) or rejected."""

    __tablename__ = "known_fixes"
    __table_args__ = (UniqueConstraint("signature", "fix_key", name="uq_known_fix"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signature: Mapped[str] = mapped_column(String(300), index=True)
    fix_key: Mapped[str] = mapped_column(String(120))
    fix_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # proposed | approved | rejected | disabled
    successes: Mapped[int] = mapped_column(Integer)
    trials: Mapped[int] = mapped_column(Integer)
    evidence_json: Mapped[str] = mapped_column(Text, default="{}")
    name: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KnownFixUseRow(Base):
    """A case answered with a known fix (once per case): its outcome then credits that fix."""

    __tablename__ = "known_fix_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    known_fix_id: Mapped[int] = mapped_column(ForeignKey("known_fixes.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
