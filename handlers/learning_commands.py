"""`/faultmaven list [all]` and `/faultmaven status FM-12`: parse, ack, enqueue the answer."""

from __future__ import annotations

import re

from slack_bolt import Ack

from handlers.payloads import SlashCommand
from jobs.learning.requests import CaseListQuery, CaseStatusQuery, LearningRequests

SUBCOMMANDS = ("list", "status")
_CASE_REF = re.compile(r"^(?:FM-?)?(?P<id>\d{1,9})$", re.IGNORECASE)
LEARNING_USAGE = (
    "Cases:\n"
    "• `/faultmaven list` (open cases in this channel) or `/faultmaven list all`\n"
    "• `/faultmaven status FM-12`"
)
QUEUE_DOWN = "⚠️ The worker queue is unreachable right now; please try again in a minute."


def _ack_queued(ack: Ack, queued: bool) -> None:
    """Silent ack when the answer is on its way; a short apology when the queue is down."""
    if queued:
        ack()
    else:
        ack(response_type="ephemeral", text=QUEUE_DOWN)


def handle_learning_command(ack: Ack, cmd: SlashCommand, requests: LearningRequests) -> None:
    """Route list / status; the answer (with thread links) arrives ephemerally from the worker."""
    argument = cmd.argument.strip()
    if cmd.subcommand == "list" and argument.lower() in ("", "all"):
        query = CaseListQuery(channel_id=cmd.channel_id, user_id=cmd.user_id, all_channels=argument != "")
        _ack_queued(ack, requests.list_cases(cmd.trigger_id, query))
        return
    match = _CASE_REF.match(argument) if cmd.subcommand == "status" else None
    if match is not None:
        status = CaseStatusQuery(channel_id=cmd.channel_id, user_id=cmd.user_id, case_id=int(match["id"]))
        _ack_queued(ack, requests.case_status(cmd.trigger_id, status))
        return
    ack(response_type="ephemeral", text=LEARNING_USAGE)
