"""Repository for runbooks and the suggestions made on cases."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import utcnow
from storage.runbook_models import RunbookOfferRow, RunbookRow, RunbookSuggestionRow

CONTENT_FIELDS = (
    "title",
    "problem_summary",
    "diagnosis_steps",
    "root_cause",
    "solution",
    "prevention",
    "extra",
    "services_json",
    "categories_json",
    "tags_json",
    "severity",
)


@dataclass(frozen=True)
class RunbookFields:
    """Column values for a new runbook or a new version of one."""

    title: str
    status: str
    source: str
    problem_summary: str = ""
    diagnosis_steps: str = ""
    root_cause: str = ""
    solution: str = ""
    prevention: str = ""
    extra: str = ""
    services: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    severity: str | None = None
    source_path: str | None = None
    author: str | None = None
    case_ref: str | None = None
    parent_id: int | None = None

    def columns(self) -> dict[str, object]:
        """The values as table columns (lists stored as JSON text)."""
        values = asdict(self)
        for key in ("services", "categories", "tags"):
            values[f"{key}_json"] = json.dumps(values.pop(key))
        return values


class RunbookRepository:
    """All reads and writes of runbooks go through here."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(self, fields: RunbookFields) -> RunbookRow:
        """Insert a runbook."""
        with self._sessions() as session:
            row = RunbookRow(**fields.columns(), version=1)
            session.add(row)
            session.commit()
            return row

    def upsert_by_path(self, fields: RunbookFields, retry: bool = True) -> tuple[RunbookRow, str]:
        """Insert, or update the runbook imported from the same source and path.

        Returns the row and what happened: "created", "updated" (content changed; version bumped)
        or "unchanged". Several workers load the shipped library at once on a fresh database: when
        another one inserts the same file first, this one takes its row as found.
        """
        with self._sessions() as session:
            existing = session.scalars(
                select(RunbookRow).where(
                    RunbookRow.source == fields.source, RunbookRow.source_path == fields.source_path
                )
            ).first()
            columns = fields.columns()
            if existing is not None:
                if all(getattr(existing, key) == columns[key] for key in CONTENT_FIELDS):
                    return existing, "unchanged"
                for key in CONTENT_FIELDS:
                    setattr(existing, key, columns[key])
                existing.version += 1
                session.commit()
                return existing, "updated"
            row = RunbookRow(**columns, version=1)
            session.add(row)
            try:
                session.commit()
                return row, "created"
            except IntegrityError:
                session.rollback()
                if not retry:
                    raise
        # Another process inserted this path between our look and our insert: now it is found.
        return self.upsert_by_path(fields, retry=False)

    def get(self, runbook_id: int) -> RunbookRow | None:
        """One runbook."""
        with self._sessions() as session:
            return session.get(RunbookRow, runbook_id)

    def get_many(self, ids: list[int]) -> list[RunbookRow]:
        """Runbooks by id, in the order asked (missing ids skipped)."""
        with self._sessions() as session:
            found = {r.id: r for r in session.scalars(select(RunbookRow).where(RunbookRow.id.in_(ids)))}
        return [found[i] for i in ids if i in found]

    def find(self, statuses: tuple[str, ...] | None = None) -> list[RunbookRow]:
        """Runbooks, oldest first, optionally only those in some statuses."""
        query = select(RunbookRow).order_by(RunbookRow.id)
        if statuses:
            query = query.where(RunbookRow.status.in_(statuses))
        with self._sessions() as session:
            return list(session.scalars(query))

    def list_by_source(self, source: str, limit: int = 1) -> list[RunbookRow]:
        """A few runbooks from one source (library, imported…)."""
        with self._sessions() as session:
            return list(session.scalars(select(RunbookRow).where(RunbookRow.source == source).limit(limit)))

    def count(self) -> int:
        """How many runbooks exist in any status."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count(RunbookRow.id))) or 0)

    def signature(self) -> tuple[int, str]:
        """Changes whenever a runbook is added or changed: lets a process rebuild its index lazily."""
        with self._sessions() as session:
            count, latest = session.execute(
                select(func.count(RunbookRow.id), func.max(RunbookRow.updated_at))
            ).one()
        return int(count or 0), str(latest)

    def update(self, runbook_id: int, **values: object) -> None:
        """Set columns on a runbook (status, reviewer, sections…)."""
        with self._sessions() as session:
            session.execute(
                update(RunbookRow).where(RunbookRow.id == runbook_id).values(**values, updated_at=utcnow())
            )
            session.commit()

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory, for repositories over the same tables (feedback votes).

        times_used / times_worked are derived from votes there (storage/runbook_feedback.py), so
        nothing here increments them.
        """
        return self._sessions

    def record_suggestions(self, case_id: int, scored: list[tuple[int, float]]) -> str | None:
        """Remember what was suggested on a case (once each); returns the message ts of an earlier run."""
        with self._sessions() as session:
            existing = list(
                session.scalars(select(RunbookSuggestionRow).where(RunbookSuggestionRow.case_id == case_id))
            )
            known = {row.runbook_id for row in existing}
            fresh = [(rid, score) for rid, score in scored if rid not in known]
            for runbook_id, score in fresh:
                session.add(RunbookSuggestionRow(case_id=case_id, runbook_id=runbook_id, score=score))
            if fresh:
                session.execute(
                    update(RunbookRow)
                    .where(RunbookRow.id.in_([rid for rid, _ in fresh]))
                    # Not a change to the runbook: searchers rebuild on updated_at, and would rebuild
                    # after every new case's suggestions (seconds of CPU per hundred cases per worker).
                    .values(times_suggested=RunbookRow.times_suggested + 1, updated_at=RunbookRow.updated_at)
                )
            session.commit()
            return next((row.slack_ts for row in existing if row.slack_ts), None)

    def set_suggestion_ts(self, case_id: int, slack_ts: str) -> None:
        """The message that shows a case's suggestions, so a re-run updates it."""
        with self._sessions() as session:
            session.execute(
                update(RunbookSuggestionRow)
                .where(RunbookSuggestionRow.case_id == case_id)
                .values(slack_ts=slack_ts)
            )
            session.commit()

    def decide(self, runbook_id: int, expected_status: str, status: str, reviewer: str) -> bool:
        """Move a runbook out of `expected_status` once; False when someone else already decided."""
        with self._sessions() as session:
            result = session.execute(
                update(RunbookRow)
                .where(RunbookRow.id == runbook_id, RunbookRow.status == expected_status)
                .values(status=status, reviewer=reviewer, reviewed_at=utcnow(), updated_at=utcnow())
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))

    def save_edit(self, runbook_id: int, editable: tuple[str, ...], values: dict[str, str]) -> str:
        """Apply an edit made in Slack while the runbook is in `editable`: version + 1.

        Returns "saved", "unchanged" (a re-run of the same edit), "not editable" or "missing".
        """
        with self._sessions() as session:
            row = session.get(RunbookRow, runbook_id)
            if row is None:
                return "missing"
            if row.status not in editable:
                return "not editable"
            if all(getattr(row, key) == value for key, value in values.items()):
                return "unchanged"
            result = session.execute(
                update(RunbookRow)
                .where(RunbookRow.id == runbook_id, RunbookRow.status.in_(editable))
                .values(**values, version=RunbookRow.version + 1, updated_at=utcnow())
            )
            session.commit()
            return "saved" if getattr(result, "rowcount", 0) else "not editable"

    def ensure_offer(
        self, case_id: int, resolution_id: int | None, channel_id: str, thread_ts: str
    ) -> RunbookOfferRow:
        """The runbook offer for a case, created on first call (one per case, however many resolves)."""
        with self._sessions() as session:
            existing = session.scalars(
                select(RunbookOfferRow).where(RunbookOfferRow.case_id == case_id)
            ).first()
            if existing is not None:
                return existing
            row = RunbookOfferRow(
                case_id=case_id, resolution_id=resolution_id, channel_id=channel_id, thread_ts=thread_ts
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # a concurrent run created it first
                session.rollback()
                return session.scalars(
                    select(RunbookOfferRow).where(RunbookOfferRow.case_id == case_id)
                ).one()
            return row

    def get_offer(self, case_id: int) -> RunbookOfferRow | None:
        """The runbook offer made on a case, if any."""
        with self._sessions() as session:
            return session.scalars(select(RunbookOfferRow).where(RunbookOfferRow.case_id == case_id)).first()

    def offer_for_runbook(self, runbook_id: int) -> RunbookOfferRow | None:
        """The offer whose draft is this runbook (where its card lives)."""
        with self._sessions() as session:
            return session.scalars(
                select(RunbookOfferRow).where(RunbookOfferRow.runbook_id == runbook_id)
            ).first()

    def update_offer(self, offer_id: int, **values: object) -> None:
        """Set columns on an offer (offer_ts, declined_by, runbook_id, card_ts)."""
        with self._sessions() as session:
            session.execute(update(RunbookOfferRow).where(RunbookOfferRow.id == offer_id).values(**values))
            session.commit()
