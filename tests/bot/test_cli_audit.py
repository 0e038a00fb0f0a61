"""`faultmaven audit verify` as an operator runs it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.settings import get_settings
from storage.actions import ActionRepository, NewProposal
from storage.audit import AuditLog
from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FAULTMAVEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_audit_verify_says_intact_then_names_the_tampered_row(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify"]) == 0  # creates the schema; an empty log is intact
    assert "audit log intact: 0 entries" in capsys.readouterr().out
    engine = make_engine(database_url)
    log = AuditLog(make_session_factory(engine))
    for n in range(3):
        log.append("message", case_id=1, actor="U1", data={"n": n})
    head = log.for_case(1)[-1].hash

    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.strip() == f"audit log intact: 3 entries (head {head[:16]})"

    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'U666' WHERE seq = 2"))
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.strip() == "audit log TAMPERED at seq 2: hash mismatch (row edited)"
    engine.dispose()


# --- tampering that leaves a consistent-looking chain: wipes, truncations, a head kept elsewhere ----


def _audited_history(database_url: str) -> str:
    """Two diagnosed cases, a proposal and a vote, each with the entry its job writes; returns the head."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    cases, actions, log = CaseRepository(sessions), ActionRepository(sessions), AuditLog(sessions)
    for n in (1, 2):
        new = NewCase(f"k{n}", "slash", "C1", f"case {n}", "db down", "U1", "high", "investigating")
        case, _job, _created = cases.open_case(new, "diagnose_case")
        cases.update_case(case.id, diagnosis_json="{}")
        log.append("case_opened", case_id=case.id, actor="U1", data={}, event_key=f"case_opened:{case.id}")
        log.append("diagnosis", case_id=case.id, actor="B1", data={}, event_key=f"diagnose_case:{case.id}")
    proposal, _created = actions.create(
        NewProposal(
            "p1", 1, "restart", "api", "high", "U1", "hard", "1", "r", False, 60, 0, "pending", "C1", "1.0"
        )
    )
    log.append("action_proposed", case_id=1, actor="U1", data={}, event_key=f"action_proposed:{proposal.id}")
    actions.add_vote(proposal.id, "U2", "approve")
    log.append("action_vote", case_id=1, actor="U2", data={}, event_key=f"action_vote:{proposal.id}:U2")
    head = log.verify(settle=timedelta(0)).head_hash
    engine.dispose()
    return head


def _tamper(database_url: str, *statements: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _verify(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--settle-seconds", "0", *extra])
    return code, capsys.readouterr().out.strip()


@pytest.fixture
def history(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["audit", "verify"]) == 0  # creates the schema
    capsys.readouterr()
    return _audited_history(database_url)


def test_intact_history_verifies_with_its_head_and_starts_with_genesis(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    intact = f"audit log intact: 6 entries (head {history[:16]})"
    assert _verify(capsys, "--expect-head", history) == (0, intact)
    assert _verify(capsys, "--expect-head", history[:16])[0] == 0
    engine = make_engine(database_url)
    with engine.connect() as conn:
        first = conn.execute(text("SELECT seq, kind FROM audit_log ORDER BY seq LIMIT 1")).one()
    engine.dispose()
    assert tuple(first) == (0, "genesis")


def test_full_wipe_is_detected_by_the_cross_check(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(database_url, "DELETE FROM audit_log", "DELETE FROM audit_head")

    code, out = _verify(capsys)

    assert code == 1
    assert "rows without audit entries: 2 diagnosed case(s) (ids 1, 2); 1 proposal(s)" in out
    assert "1 vote(s)" in out and "log wiped or truncated" in out


def test_truncating_the_newest_entries_and_their_head_is_detected(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The newest two (proposal, vote) go, and the head is moved back so the chain alone looks whole.
    _tamper(
        database_url,
        "DELETE FROM audit_log WHERE seq > 4",
        "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)",
    )

    code, out = _verify(capsys)
    assert code == 1 and "1 proposal(s) (ids 1); 1 vote(s)" in out
    code, out = _verify(capsys, "--expect-head", history)
    assert code == 1 and f"the kept head {history[:16]} is not in the chain" in out


def test_deleting_a_middle_row_or_the_genesis_is_detected(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(database_url, "DELETE FROM audit_log WHERE seq = 3")
    assert _verify(capsys) == (
        1,
        "audit log TAMPERED at seq 3: seq 3 expected, found 4 (row deleted or inserted)",
    )
    _tamper(database_url, "DELETE FROM audit_log WHERE seq < 3")
    assert _verify(capsys) == (
        1,
        "audit log TAMPERED at seq 0: genesis entry missing: the log starts at seq 4 (entries deleted)",
    )


def test_editing_a_row_is_detected(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(database_url, "UPDATE audit_log SET actor = 'U666' WHERE seq = 5")
    assert _verify(capsys) == (1, "audit log TAMPERED at seq 5: hash mismatch (row edited)")


def test_a_head_kept_elsewhere_exposes_a_rewritten_log_and_accepts_later_appends(
    database_url: str, history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(database_url)
    AuditLog(make_session_factory(engine)).append("message", case_id=1, actor="U3", data={"n": 1})
    engine.dispose()
    assert _verify(capsys, "--expect-head", history[:16])[0] == 0  # the kept head is still in the chain

    # Rewritten from seq 3 on with freshly computed hashes: every link checks out, the kept head is gone.
    _tamper(database_url, "DELETE FROM audit_log WHERE seq >= 3", "DELETE FROM audit_head")
    rewritten = make_engine(database_url)
    log = AuditLog(make_session_factory(rewritten))
    for kind in ("case_opened", "diagnosis", "action_proposed", "action_vote", "message"):
        log.append(kind, case_id=2, actor="U1", data={"forged": True})
    rewritten.dispose()
    code, out = _verify(capsys, "--settle-seconds", "3600", "--expect-head", history)
    assert code == 1
    kept = history[:16]
    assert (
        out == f"audit log TAMPERED at seq 7: the kept head {kept} is not in the chain (log rewritten or cut)"
    )
    with pytest.raises(SystemExit):
        main(["audit", "verify", "--expect-head", "not-a-hash"])
