"""`/faultmaven list [all]` and `/faultmaven status FM-12`: parse, ack, enqueue the answer."""

from __future__ import annotations

import re

from slack_bolt import Ack

from handlers.payloads import SlashCommand
from jobs.learning.requests import CaseListQuery, CaseStatusQuery, LearningRequests, StatsQuery

SUBCOMMANDS = ("list", "status", "stats")
_CASE_REF = re.compile(r"^(?:FM-?)?(?P<id>[0-9]{1,9})$", re.IGNORECASE)
_PERIOD = re.compile(r"^(?P<days>\d+)d$", re.IGNORECASE)
PERIODS = (7, 30, 90)
_SERVICE = re.compile(r"^[\w.:/-]{1,120}$")
LEARNING_USAGE = (
    "Cases:\n"
    "• `/faultmaven list` (open cases in this channel) or `/faultmaven list all`\n"
    "• `/faultmaven status FM-12`\n"
    "• `/faultmaven stats [7d|30d|90d] [service]` (the team's figures, with a chart)"
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
    stats = parse_stats(cmd) if cmd.subcommand == "stats" else None
    if stats is not None:
        _ack_queued(ack, requests.stats(cmd.trigger_id, stats))
        return
    ack(response_type="ephemeral", text=LEARNING_USAGE)


def parse_stats(cmd: SlashCommand) -> StatsQuery | None:
    """`[7d|30d|90d] [service]` in either order; None when the words do not fit."""
    days, service = 30, ""
    for word in cmd.argument.split():
        period = _PERIOD.match(word)
        if period is not None:
            if int(period["days"]) not in PERIODS:
                return None  # "14d" is a period we do not offer, not a service called 14d
            days = int(period["days"])
        elif not service and _SERVICE.match(word):
            service = word
        else:
            return None
    return StatsQuery(channel_id=cmd.channel_id, user_id=cmd.user_id, days=days, service=service)
