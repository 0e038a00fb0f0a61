"""Repository for incidents, their raw events and Slack-side resolutions, with outbox rows alongside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.incident_models import CaseResolution, Incident, IncidentEvent
from storage.models import utcnow
from storage.outbox import PendingJob, insert_with_job, outbox_entry


@dataclass(frozen=True)
class NewIncidentEvent:
    source: str
    event_id: str
    event_type: str
    external_id: str
    occurred_at: datetime
    payload_json: str


class IncidentRepository:
    """All reads and writes of incident tables go through here."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- raw events ------------------------------------------------------------
    def record_event(self, new: NewIncidentEvent, job_name: str) -> PendingJob | None:
        """Store a delivery and its processing job in one transaction; None for a redelivery."""
        with self._sessions() as session:
            return insert_with_job(
                session, IncidentEvent(**new.__dict__), job_name, lambda event_id: [event_id]
            )

    def get_event(self, event_id: int) -> IncidentEvent | None:
        """One stored delivery."""
        with self._sessions() as session:
            return session.get(IncidentEvent, event_id)

    def finish_event(self, event_id: int, incident_id: int | None, thread_line: str | None) -> None:
        """Mark a delivery processed, remembering the thread line it still owes."""
        with self._sessions() as session:
            session.execute(
                update(IncidentEvent)
                .where(IncidentEvent.id == event_id)
                .values(processed_at=utcnow(), incident_id=incident_id, thread_line=thread_line)
            )
            session.commit()

    def pending_lines(self, incident_id: int) -> list[IncidentEvent]:
        """Thread lines not yet posted, in the order things happened at the source."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(IncidentEvent)
                    .where(
                        IncidentEvent.incident_id == incident_id,
                        IncidentEvent.thread_line.is_not(None),
                        IncidentEvent.posted_ts.is_(None),
                    )
                    .order_by(IncidentEvent.occurred_at, IncidentEvent.id)
                ).all()
            )

    def mark_lines_posted(self, event_ids: list[int], slack_ts: str) -> None:
        """Remember which Slack message carried these lines."""
        with self._sessions() as session:
            session.execute(
                update(IncidentEvent).where(IncidentEvent.id.in_(event_ids)).values(posted_ts=slack_ts)
            )
            session.commit()

    # --- incidents -------------------------------------------------------------
    def find(self, source: str, external_id: str) -> Incident | None:
        """An incident by its source id."""
        with self._sessions() as session:
            return session.scalars(
                select(Incident).where(Incident.source == source, Incident.external_id == external_id)
            ).first()

    def get(self, incident_id: int) -> Incident | None:
        """An incident by our id."""
        with self._sessions() as session:
            return session.get(Incident, incident_id)

    def for_case(self, case_id: int) -> Incident | None:
        """The incident a case was opened for, if any."""
        with self._sessions() as session:
            return session.scalars(select(Incident).where(Incident.case_id == case_id)).first()

    def create(self, **fields: Any) -> Incident:
        """Insert an incident; a concurrent insert of the same source id returns that row instead."""
        with self._sessions() as session:
            incident = Incident(**fields)
            session.add(incident)
            try:
                session.commit()
                return incident
            except IntegrityError:
                session.rollback()
        found = self.find(fields["source"], fields["external_id"])
        if found is None:
            raise LookupError(
                f"incident {fields['source']}:{fields['external_id']} conflicted but is missing"
            )
        return found

    def update(self, incident_id: int, **fields: Any) -> None:
        """Set columns on an incident."""
        with self._sessions() as session:
            session.execute(
                update(Incident).where(Incident.id == incident_id).values(**fields, updated_at=utcnow())
            )
            session.commit()

    # --- resolutions -----------------------------------------------------------
    def record_resolution(
        self, case_id: int, resolved_by: str, summary: str, slack_ts: str, job_name: str
    ) -> PendingJob | None:
        """Store a resolution typed in Slack with the job that applies it; None for a redelivery."""
        with self._sessions() as session:
            resolution = CaseResolution(
                case_id=case_id, resolved_by=resolved_by, summary=summary, slack_ts=slack_ts
            )
            return insert_with_job(session, resolution, job_name, lambda resolution_id: [resolution_id])

    def get_resolution(self, resolution_id: int) -> CaseResolution | None:
        """One resolution."""
        with self._sessions() as session:
            return session.get(CaseResolution, resolution_id)

    def update_resolution(self, resolution_id: int, **fields: Any) -> None:
        """Record progress (posted ts, note synced, incident resolved)."""
        with self._sessions() as session:
            session.execute(update(CaseResolution).where(CaseResolution.id == resolution_id).values(**fields))
            session.commit()

    def ensure_job(self, job: PendingJob) -> None:
        """Write an outbox row unless one with this key exists (idempotent follow-up jobs)."""
        with self._sessions() as session:
            session.add(outbox_entry(job))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
