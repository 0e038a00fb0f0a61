"""`faultmaven audit verify` as an operator runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.settings import get_settings
from storage.audit import AuditLog
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
