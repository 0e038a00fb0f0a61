"""SQL tables for inbound incidents: raw webhook events, one row per incident, Slack-side resolutions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class IncidentEvent(Base):
    """One webhook delivery, stored raw before anything else happens; a redelivery hits the unique key."""

    __tablename__ = "incident_events"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_incident_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    # The one concise thread line this event deserves, posted (batched) by the thread sync job.
    thread_line: Mapped[str | None] = mapped_column(Text)
    posted_ts: Mapped[str | None] = mapped_column(String(32))


class Incident(Base):
    """The latest known state of a PagerDuty incident or Alertmanager group, and its case."""

    __tablename__ = "incidents"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_incident_source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    service: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16))
    # occurred_at of the newest event applied: older events arriving late never roll state back.
    state_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    priority: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[str | None] = mapped_column(String(16))
    html_url: Mapped[str | None] = mapped_column(String(500))
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    card_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class CaseResolution(Base):
    """A case resolved from Slack, with the progress of telling the source about it."""

    __tablename__ = "case_resolutions"
    __table_args__ = (UniqueConstraint("case_id", "slack_ts", name="uq_case_resolution_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    resolved_by: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    slack_ts: Mapped[str] = mapped_column(String(32))
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    note_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolve_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
