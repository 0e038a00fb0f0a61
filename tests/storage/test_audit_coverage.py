"""The audit cross-check on SQLite and PostgreSQL: a wiped log is caught by the rows it no longer covers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from storage.actions import ActionRepository, NewExecution, NewProposal
from storage.audit import AuditLog
from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory


def test_wiped_log_is_caught_by_every_kind_of_audited_row_and_young_rows_are_waited_for(
    any_database_url: str,
) -> None:
    engine = make_engine(any_database_url)
    sessions = make_session_factory(engine)
    cases, actions, log = CaseRepository(sessions), ActionRepository(sessions), AuditLog(sessions)
    new = NewCase("k1", "slash", "C1", "db down", "db down", "U1", "high", "investigating")
    case, _job, _created = cases.open_case(new, "diagnose_case")
    cases.update_case(case.id, diagnosis_json="{}")
    proposal, _created = actions.create(
        NewProposal(
            "p1",
            case.id,
            "restart",
            "api",
            "high",
            "U1",
            "none",
            "0",
            "r",
            False,
            60,
            0,
            "running",
            "C1",
            "1",
        )
    )
    actions.add_vote(proposal.id, "U2", "approve")
    actions.record_execution(
        NewExecution(proposal.id, f"fm-{proposal.id}-execute", "execute", "webhook", True, True, "ok")
    )
    for key in (f"case_opened:{case.id}", f"action_proposed:{proposal.id}", f"action_vote:{proposal.id}:U2"):
        log.append(key.split(":")[0], case_id=case.id, actor="U1", data={}, event_key=key)
    log.append(
        "action_executed", case_id=case.id, actor="x", data={}, event_key=f"action_executed:{proposal.id}"
    )

    assert log.verify(settle=timedelta(0)).ok
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text("DELETE FROM audit_head"))

    wiped = log.verify(settle=timedelta(0))
    assert not wiped.ok and wiped.entries == 0
    for what in ("1 diagnosed case(s)", "1 proposal(s)", "1 vote(s)", "1 execution(s)"):
        assert what in wiped.reason
    # Rows younger than the settle time may belong to a job still writing its entry.
    assert log.verify(settle=timedelta(hours=1)).ok
    engine.dispose()
