"""Uploading a case's audit trail into its thread, and what handlers may ask for it."""

from __future__ import annotations

import logging
from typing import Any

from engine.record_ids import parse_record_ref
from jobs.audit.export import to_jsonl, to_markdown
from jobs.audit.runtime import record_audit
from jobs.runtime import current_context
from jobs.submission import JobSubmitter, claim_outbox, safe_key
from jobs.workspaces.team import current_team, team_job
from storage.cases import CaseRepository

log = logging.getLogger(__name__)


def parse_case_ref(ref: str) -> int | None:
    """FM-12, fm12, #12 or 12 → 12; anything else → None."""
    return parse_record_ref(ref, "FM")


def _outbox_key(request_key: str) -> str:
    return f"upload_audit_trail:{safe_key(request_key)}"


class AuditRequests:
    """What handlers may ask: does this case exist (a primary-key read), and please upload its trail."""

    def __init__(self, cases: CaseRepository, submitter: JobSubmitter) -> None:
        self.cases = cases
        self.submitter = submitter

    def case_id_for(self, ref: str) -> int | None:
        """The id of an existing case named FM-12 (or 12), else None."""
        case_id = parse_case_ref(ref)
        return (
            case_id
            if case_id is not None and self.cases.scoped(current_team()).get(case_id) is not None
            else None
        )

    def upload(self, key: str, case_id: int, channel_id: str, thread_ts: str | None, user_id: str) -> bool:
        """Record and enqueue the upload once per Slack delivery key (trigger id or message ts)."""
        job = team_job(
            _outbox_key(key), "upload_audit_trail", [case_id, channel_id, thread_ts or "", user_id, key]
        )
        return self.submitter.submit(job)


def upload_audit_trail(
    case_id: int, channel_id: str, thread_ts: str | None, user_id: str, request_key: str = ""
) -> dict[str, Any]:
    """Upload the case's trail (JSON lines + markdown timeline) into the case thread, once per request."""
    ctx = current_context()
    if request_key:
        claim_outbox(ctx.cases, _outbox_key(request_key))
    case = ctx.cases.get(int(case_id))

    def tell(text: str) -> None:
        ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text, thread_ts=thread_ts or None)

    if case is None:
        tell(f"I can't find case FM-{case_id}. Case ids look like FM-12.")
        return {"status": "missing", "case_id": case_id}
    if ctx.audit is None:
        tell("The audit trail is not enabled on this FaultMaven worker.")
        return {"status": "not configured", "case": case.ref}
    event_key = f"audit_exported:{request_key}" if request_key else None
    if event_key is not None and ctx.audit.seq_for(event_key) is not None:
        return {"status": "already uploaded", "case": case.ref}
    records = ctx.audit.for_case(case.id)
    if not records:
        tell(f"Nothing has been recorded for {case.ref} yet.")
        return {"status": "empty", "case": case.ref}
    name = f"{case.ref}-audit"
    ctx.slack.files_upload_v2(
        file_uploads=[
            {
                "content": to_jsonl(records),
                "filename": f"{name}.jsonl",
                "title": f"{case.ref} audit (JSON lines)",
            },
            {
                "content": to_markdown(case.ref, case.title, records),
                "filename": f"{name}.md",
                "title": f"{case.ref} audit timeline",
            },
        ],
        channel=case.channel_id,
        thread_ts=case.root_ts or thread_ts or None,
        initial_comment=f"🧾 Audit trail of {case.ref}: {len(records)} entries, requested by <@{user_id}>.",
    )
    # Logged after the upload: a crash in between uploads again on retry rather than never.
    record_audit(
        ctx,
        "audit_exported",
        case_id=case.id,
        actor=user_id,
        data={"entries": len(records), "last_seq": records[-1].seq},
        event_key=event_key,
    )
    log.info("audit trail uploaded", extra={"case": case.ref, "entries": len(records)})
    return {"status": "uploaded", "case": case.ref, "entries": len(records)}
