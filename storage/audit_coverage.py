"""Does every audited row have its audit entry? A wiped or truncated log leaves rows without one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, exists, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.action_models import ActionExecutionRow, ActionProposalRow, ActionVoteRow
from storage.audit_models import AuditRow
from storage.models import Case

# Enough examples to point at the damage without printing a whole table.
_EXAMPLES = 5


@dataclass(frozen=True)
class Unaudited:
    """Rows of one kind that lack the audit entry their job writes."""

    what: str
    count: int
    examples: list[str]


def _entry_missing(key: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(AuditRow.event_key == key)


def _key(prefix: str, *parts: InstrumentedAttribute[Any]) -> ColumnElement[str]:
    # `||` on both SQLite and PostgreSQL (SQLite before 3.44 has no concat()).
    expression: ColumnElement[str] = literal(prefix, String)
    for n, part in enumerate(parts):
        if n:
            expression = expression.concat(literal(":", String))
        expression = expression.concat(cast(part, String))
    return expression


def unaudited_rows(session: Session, settled_before: datetime) -> list[Unaudited]:
    """Cases, proposals, votes and executions older than `settled_before` with no audit entry.

    Rows newer than that may belong to a job still running, which writes its entry just after the row.
    """
    checks = [
        (
            "diagnosed case",
            select(Case.id).where(
                Case.diagnosis_json.is_not(None),
                Case.created_at < settled_before,
                _entry_missing(_key("case_opened:", Case.id)),
            ),
        ),
        (
            "proposal",
            select(ActionProposalRow.id).where(
                ActionProposalRow.created_at < settled_before,
                _entry_missing(_key("action_proposed:", ActionProposalRow.id)),
            ),
        ),
        (
            "vote",
            select(ActionVoteRow.id).where(
                ActionVoteRow.created_at < settled_before,
                _entry_missing(_key("action_vote:", ActionVoteRow.proposal_id, ActionVoteRow.voter)),
            ),
        ),
        (
            "execution",
            select(ActionExecutionRow.id).where(
                ActionExecutionRow.created_at < settled_before,
                _entry_missing(_key("action_executed:", ActionExecutionRow.proposal_id)),
            ),
        ),
    ]
    found = []
    for what, query in checks:
        ids = list(session.scalars(query.order_by(query.selected_columns[0])))
        if ids:
            found.append(Unaudited(what, len(ids), [str(i) for i in ids[:_EXAMPLES]]))
    return found
