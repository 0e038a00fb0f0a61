"""LOG_FORMAT: one JSON object per line with the ids, or key=value text; secrets redacted in both."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, request_id_var

TOKEN = "xoxb-1234567890-abcdefghijkl"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_format_gives_one_object_per_line_with_ids_and_no_secrets(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("faultmaven.test").info("posted with %s", TOKEN, extra={"case_id": 7})
        try:
            raise RuntimeError(f"bad token {TOKEN}")
        except RuntimeError:
            logging.getLogger("faultmaven.test").exception("job failed", extra={"job_key": "diagnose_case:7"})
    finally:
        request_id_var.reset(token)

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "faultmaven.test"
    assert first["case_id"] == 7 and first["request_id"] == "req-42"
    assert TOKEN not in first["message"] and "[REDACTED" in first["message"]
    assert second["job_key"] == "diagnose_case:7"
    assert "RuntimeError" in second["exception"] and TOKEN not in second["exception"]


def test_default_format_stays_human_readable(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")

    logging.getLogger("faultmaven.test").info("case opened", extra={"case_id": 9})

    line = capsys.readouterr().err.strip()
    assert not line.startswith("{")
    assert line.endswith("INFO faultmaven.test case opened case_id=9")
