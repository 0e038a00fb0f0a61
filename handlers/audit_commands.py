"""`/faultmaven audit FM-12` and `@FaultMaven audit` in a case thread: upload the case's audit trail."""

from __future__ import annotations

from slack_bolt import Ack

from bot.blocks.mrkdwn import escape
from handlers.payloads import SlashCommand
from jobs.audit.trail import AuditRequests

AUDIT_USAGE = "Name the case: `/faultmaven audit FM-12`, or say `@FaultMaven audit` inside the case's thread."


def is_audit_request(words: str) -> bool:
    """`@FaultMaven audit` (nothing else): the words left once the mention is stripped."""
    return words.strip().lower() == "audit"


def handle_audit_command(ack: Ack, cmd: SlashCommand, audits: AuditRequests) -> None:
    """Slash commands carry no thread, so the case is named; unknown names get a friendly answer."""
    ref = cmd.argument.split()[0] if cmd.argument else ""
    if not ref:
        ack(response_type="ephemeral", text=AUDIT_USAGE)
        return
    case_id = audits.case_id_for(ref)
    if case_id is None:
        ack(
            response_type="ephemeral",
            text=f"I can't find a case called “{escape(ref[:40])}”. Case ids look like FM-12 "
            "(the case's first message shows it).",
        )
        return
    audits.upload(cmd.trigger_id, case_id, cmd.channel_id, None, cmd.user_id)
    ack(response_type="ephemeral", text=f"🧾 Uploading the audit trail of FM-{case_id} to the case's thread…")
