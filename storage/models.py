"""SQL tables: the source of truth for cases, their messages, and the job outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now, so SQLite and PostgreSQL agree."""
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; everything we store is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # What made this case (slash command trigger, message ts, incident id): a redelivery maps here.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    # The Slack workspace the case belongs to (None: opened before workspaces were told apart).
    team_id: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    root_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    progress_ts: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    service: Mapped[str | None] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(16))
    # What a person (or the alert's source) chose; None means `severity` is FaultMaven's guess.
    reported_severity: Mapped[str | None] = mapped_column(String(16))
    # The snippet a long report was uploaded as, so a re-run does not upload it twice.
    report_file_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[str] = mapped_column(String(32))
    diagnosis_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", order_by="CaseMessage.id", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        """The id people say out loud: FM-12."""
        return f"FM-{self.id}"


class CaseMessage(Base):
    __tablename__ = "case_messages"
    # A Slack message is recorded once, however many deliveries (message + app_mention, retries) arrive.
    __table_args__ = (UniqueConstraint("case_id", "slack_ts", name="uq_case_message_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    slack_ts: Mapped[str] = mapped_column(String(32))
    from_bot: Mapped[bool] = mapped_column(default=False)
    # An @-mention of the bot: the worker answers these even when they carry no evidence.
    addressed: Mapped[bool] = mapped_column(default=False, server_default=false())
    reply_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")


class OutboxEntry(Base):
    """A job that must run, written in the same transaction as its data so a Redis outage loses nothing.

    A job leases its entry while it runs (`lease_until`, renewed by the worker's heartbeat) and the
    worker marks it finished when the job ends; a sweeper re-enqueues entries never claimed, or whose
    lease ran out because the worker running them died.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_key: Mapped[str] = mapped_column(String(200), unique=True)
    job_name: Mapped[str] = mapped_column(String(120))
    args_json: Mapped[str] = mapped_column(Text)
    # The Slack workspace the job works for: the worker posts with that workspace's bot token.
    team_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
