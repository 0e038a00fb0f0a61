"""`/faultmaven …`: open a case, open the report modal, or explain usage."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.report import build_report_modal, build_usage_blocks, usage_text
from engine.errors import FaultMavenError
from handlers.approvals import open_propose_modal
from handlers.audit_commands import handle_audit_command
from handlers.learning_commands import SUBCOMMANDS as LEARNING_SUBCOMMANDS
from handlers.learning_commands import handle_learning_command
from handlers.payloads import SlashCommand
from handlers.runbook_commands import SUBCOMMANDS as RUNBOOK_SUBCOMMANDS
from handlers.runbook_commands import handle_runbook_command
from jobs.audit.trail import AuditRequests
from jobs.cases.intake import Intake, IntakeResult, NewCaseRequest
from jobs.learning.requests import LearningRequests
from jobs.runbooks.requests import RunbookRequests

log = logging.getLogger(__name__)


SECRETS_MASKED = " 🔒 What you sent looked like it held a secret; it was masked before anything was stored."


def opening_text(result: IntakeResult) -> str:
    """The ephemeral answer to a command that opened (or re-found) a case."""
    return _opening_text(result) + (SECRETS_MASKED if result.masked and result.created else "")


def _opening_text(result: IntakeResult) -> str:
    if not result.created:
        return f"Case {result.case_ref} is already open for this request."
    if not result.queued:
        return (
            f"Opening case {result.case_ref}… It is saved; the worker queue is unreachable right now, "
            "so the diagnosis will start as soon as it is back."
        )
    return f"Opening case {result.case_ref}… the diagnosis will appear in its thread."


def register(
    app: App,
    intake: Intake,
    command: str,
    runbooks: RunbookRequests | None = None,
    audits: AuditRequests | None = None,
    learning: LearningRequests | None = None,
) -> None:
    """Attach the slash command listener."""

    @app.command(command)
    def handle_faultmaven_command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        # Parsing and the SQL insert take ~1 ms; with process_before_response the HTTP answer leaves
        # when this returns, so acking after the insert lets the answer carry the case number.
        cmd = SlashCommand.model_validate(body)
        if cmd.subcommand in ("", "help") and not cmd.argument:
            ack()
            # trigger_id lives 3 s: the modal must open here, not in a job.
            client.views_open(trigger_id=cmd.trigger_id, view=build_report_modal(cmd.channel_id))
            return
        if cmd.subcommand == "run":
            ack()
            # trigger_id lives 3 s: the modal opens here. Slash commands carry no thread: it asks the case.
            open_propose_modal(cmd, client)
            return
        if runbooks is not None and cmd.subcommand in RUNBOOK_SUBCOMMANDS:
            handle_runbook_command(ack, cmd, runbooks, client)
            return
        if learning is not None and cmd.subcommand in LEARNING_SUBCOMMANDS:
            handle_learning_command(ack, cmd, learning)
            return
        if audits is not None and cmd.subcommand == "audit":
            handle_audit_command(ack, cmd, audits)
            return
        if cmd.subcommand != "help":
            ack(
                response_type="ephemeral",
                text=usage_text(cmd.command),
                blocks=build_usage_blocks(cmd.subcommand),
            )
            return
        try:
            result = intake.open_case(
                NewCaseRequest(
                    dedupe_key=f"slash:{cmd.trigger_id}",
                    source="slash",
                    channel_id=cmd.channel_id,
                    reporter_id=cmd.user_id,
                    text=cmd.argument,
                )
            )
        except FaultMavenError as error:
            ack(response_type="ephemeral", text=f"⚠️ {error}")
            return
        ack(response_type="ephemeral", text=opening_text(result))
