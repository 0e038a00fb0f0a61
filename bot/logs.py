"""Structured log lines: the message, then the `extra=` ids as key=value pairs."""

from __future__ import annotations

import logging
import sys

from engine.redaction import RedactingFilter

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """Appends every non-standard record attribute (case, job_key…) so logs can be grepped by id."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return line


def configure_logging(level: str) -> None:
    """One handler on stderr for the whole process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    # Pasted logs and errors can carry tokens; nothing reaches stderr unredacted.
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # Migrations run at every start; their step-by-step INFO lines are noise.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
