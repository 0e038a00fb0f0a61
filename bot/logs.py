"""Log lines with ids: `key=value` text for people (the default) or one JSON object per line.

`LOG_FORMAT=json` is for log shippers. Both carry the request id (web), the RQ job id (worker) and
whatever ids a call site passes in `extra=` (case_id, job_key…); both go through the redaction filter.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from rq import get_current_job

from engine.redaction import RedactingFilter, redact

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

# Set by the web process for each Slack or webhook request (bot/metrics.py).
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _extras(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class ContextIdsFilter(logging.Filter):
    """Stamps the current request id and RQ job id on every record that has one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        job = get_current_job()
        if job is not None and not hasattr(record, "job_id"):
            record.job_id = job.id
        return True


class KeyValueFormatter(logging.Formatter):
    """Appends every non-standard record attribute (case, job_key…) so logs can be grepped by id."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        # The filter redacts message and extras; a traceback is only rendered here.
        return redact(line) if record.exc_info else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, log_format: str = "text") -> None:
    """One handler on stderr for the whole process; `log_format` is text or json."""
    handler = logging.StreamHandler(sys.stderr)
    # On the handler too: a library that sets its own logger to DEBUG (bm25s does, on import, after
    # this ran) would otherwise print a line per search index build.
    handler.setLevel(level.upper())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ContextIdsFilter())
    # Pasted logs and errors can carry tokens; nothing reaches stderr unredacted.
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # Migrations run at every start; their step-by-step INFO lines are noise.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
