"""SQL tables of the audit trail: the hash-chained log and its one-row head anchor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AuditRow(Base):
    __tablename__ = "audit_log"

    # Assigned by AuditLog.append (last + 1), never by the database: a gap means a deleted row.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # No foreign key: the trail must outlive its case, and ON DELETE SET NULL would break the chain.
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    data_json: Mapped[str] = mapped_column(Text)
    # Makes appends idempotent: a job re-run logs its event once.
    event_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The latest seq and hash, written in the same transaction as each entry.

    Without it, deleting the newest rows leaves a shorter chain that is still perfectly valid.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
