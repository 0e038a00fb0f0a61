"""SQL tables for runbooks (the truth; Chroma is derived) and the suggestions made on cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class RunbookRow(Base):
    __tablename__ = "runbooks"
    # Re-importing a folder updates the runbooks it created instead of duplicating them.
    __table_args__ = (UniqueConstraint("source", "source_path", name="uq_runbook_source_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), index=True)
    problem_summary: Mapped[str] = mapped_column(Text, default="")
    diagnosis_steps: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    prevention: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[str] = mapped_column(Text, default="")
    services_json: Mapped[str] = mapped_column(Text, default="[]")
    categories_json: Mapped[str] = mapped_column(Text, default="[]")
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    severity: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    source_path: Mapped[str | None] = mapped_column(String(500))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("runbooks.id", ondelete="SET NULL"))
    author: Mapped[str | None] = mapped_column(String(64))
    reviewer: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who last edited the draft in Slack (they may not approve it either).
    edited_by: Mapped[str | None] = mapped_column(String(64))
    case_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    times_suggested: Mapped[int] = mapped_column(Integer, default=0)
    times_used: Mapped[int] = mapped_column(Integer, default=0)
    times_worked: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class RunbookSuggestionRow(Base):
    """A runbook shown on a case: posted once per case, updated in place on re-runs."""

    __tablename__ = "runbook_suggestions"
    __table_args__ = (UniqueConstraint("case_id", "runbook_id", name="uq_suggestion_case_runbook"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RunbookOfferRow(Base):
    """The "create a runbook from this case?" offer on a resolved case, and the draft it led to."""

    __tablename__ = "runbook_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    # None for a case resolved at its source (PagerDuty, Alertmanager): the fix is asked for in a modal.
    resolution_id: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    offer_ts: Mapped[str | None] = mapped_column(String(32))
    declined_by: Mapped[str | None] = mapped_column(String(32))
    runbook_id: Mapped[int | None] = mapped_column(ForeignKey("runbooks.id", ondelete="SET NULL"), index=True)
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RunbookFeedbackPromptRow(Base):
    """The "Did these runbooks help?" message on a resolved case: one per case, updated per vote."""

    __tablename__ = "runbook_feedback_prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    # The runbooks the message asks about (JSON list of ids): only these accept votes on this case.
    runbook_ids_json: Mapped[str] = mapped_column(Text)
    # None until posted; POSTING while one job holds the right to post it.
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RunbookVoteRow(Base):
    """One person's verdict on one runbook for one case; changing it updates the row."""

    __tablename__ = "runbook_votes"
    # Double clicks and Slack retries land on the same row instead of counting twice.
    __table_args__ = (UniqueConstraint("case_id", "runbook_id", "user_id", name="uq_runbook_vote"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    worked: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class RunbookRevisionRow(Base):
    """Why a suggested runbook failed on a case resolved another way, and the v2 drafted from it."""

    __tablename__ = "runbook_revisions"
    # One verdict per failed runbook per case, however often the case's outcome is re-derived.
    __table_args__ = (UniqueConstraint("case_id", "parent_id", name="uq_revision_case_parent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id", ondelete="CASCADE"), index=True)
    # The v2 drafted (None: the failure was not one a better runbook prevents).
    runbook_id: Mapped[int | None] = mapped_column(ForeignKey("runbooks.id", ondelete="SET NULL"), index=True)
    failure_kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence_json: Mapped[str] = mapped_column(Text, default="[]")
    engine: Mapped[str] = mapped_column(String(32), default="rules")
    channel_id: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
