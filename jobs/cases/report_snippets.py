"""Long reports travel as a snippet in the case thread, where teammates can read all of it."""

from __future__ import annotations

import logging

from jobs.runtime import JobContext
from storage.models import Case

log = logging.getLogger(__name__)


def upload_report_snippet(ctx: JobContext, case: Case, root_ts: str) -> str | None:
    """Upload the case's report as a text snippet in its thread and remember the file."""
    resp = ctx.slack.files_upload_v2(
        content=case.description,
        filename=f"{case.ref}-report.txt",
        title=f"{case.ref} report",
        channel=case.channel_id,
        thread_ts=root_ts,
        initial_comment=f"📎 The full report of {case.ref}, as it was pasted.",
    )
    files = resp.get("files") or [{}]
    file_id = str(files[0].get("id") or "") or None
    # Remembered after the upload: a crash in between uploads again on retry rather than never.
    ctx.cases.update_case(case.id, report_file_id=file_id)
    log.info("report uploaded as a snippet", extra={"case": case.ref, "file_id": file_id})
    return file_id
