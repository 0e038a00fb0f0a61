"""SQL tables for proposed actions, the votes on them, and every execution (the change record)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class ActionProposalRow(Base):
    """One action someone wants run on a case, with the policy decision taken when it was proposed."""

    __tablename__ = "action_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The click or message that asked for it: a double click or a Slack retry maps to the same row.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), default="execute")  # execute | rollback
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("action_proposals.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(200))
    parameters_json: Mapped[str] = mapped_column(Text, default="{}")
    command: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str] = mapped_column(String(16))
    rollback: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    requester: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    quorum: Mapped[str] = mapped_column(String(16))
    approvers_json: Mapped[str] = mapped_column(Text, default="[]")
    rule: Mapped[str] = mapped_column(String(120))
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    timeout_seconds: Mapped[int] = mapped_column(Integer)
    undo_seconds: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    result_ts: Mapped[str | None] = mapped_column(String(32))
    verified: Mapped[str | None] = mapped_column(
        String(16)
    )  # fixed | not_fixed | check_passed | check_failed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ActionVoteRow(Base):
    """One person's Approve or Deny; the unique key makes a double click count once."""

    __tablename__ = "action_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "voter", name="uq_action_vote_voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("action_proposals.id", ondelete="CASCADE"), index=True
    )
    voter: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # approve | deny
    # Why, when a person denying said (optional; shown in the thread).
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActionExecutionRow(Base):
    """What an executor did (or would have done, in dry run): the change record, with its rollback."""

    __tablename__ = "action_executions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("action_proposals.id", ondelete="CASCADE"), index=True
    )
    # fm-<proposal>-<purpose>: sent to the automation endpoint so a retried POST runs once there too.
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    executor: Mapped[str] = mapped_column(String(40))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    ok: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    output: Mapped[str] = mapped_column(Text, default="")
    status_code: Mapped[int | None] = mapped_column(Integer)
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    rollback: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
