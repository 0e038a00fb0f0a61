"""`/faultmaven search <words>` and `/faultmaven runbook search|show|share|review …`."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.mrkdwn import escape
from bot.blocks.runbook_revisions import build_lineage_blocks
from bot.blocks.runbooks import build_runbook_modal
from handlers.payloads import SlashCommand
from jobs.channels import parse_channel_ref
from jobs.runbooks.requests import RunbookRequests

SUBCOMMANDS = ("search", "runbook", "runbooks")
RUNBOOK_USAGE = (
    "Runbooks:\n"
    "• `/faultmaven search <words>` or `/faultmaven runbook search <words>`\n"
    "• `/faultmaven runbook show RB-0042`\n"
    "• `/faultmaven runbook share RB-0042 #channel`\n"
    "• `/faultmaven runbook review` (drafts awaiting review, with who may approve them)"
)


def handle_runbook_command(ack: Ack, cmd: SlashCommand, requests: RunbookRequests, client: WebClient) -> None:
    """Route a runbook subcommand: ack at once, then open a modal or enqueue the slow part."""
    words = cmd.argument.split(maxsplit=1) if cmd.subcommand != "search" else ["search", cmd.argument]
    action = words[0].lower() if words else ""
    rest = words[1].strip() if len(words) > 1 else ""
    if action == "search" and rest:
        requests.search(cmd.trigger_id, cmd.channel_id, cmd.user_id, rest)
        ack(response_type="ephemeral", text=f"🔍 Searching runbooks for “{escape(rest[:100])}”…")
        return
    if action == "review":
        # The list is built in the worker (it may look up reviewer groups); it arrives ephemerally.
        requests.review_queue(cmd.trigger_id, cmd.channel_id, cmd.user_id)
        ack()
        return
    if action == "show" and rest:
        runbook = requests.get(rest.split()[0])
        if runbook is None:
            ack(response_type="ephemeral", text=f"No runbook {escape(rest.split()[0])}.")
            return
        ack()
        history = build_lineage_blocks(requests.lineage(runbook), runbook.ref)
        client.views_open(trigger_id=cmd.trigger_id, view=build_runbook_modal(runbook, history))
        return
    if action == "share" and rest:
        parts = rest.split(maxsplit=1)
        runbook = requests.get(parts[0])
        if runbook is None:
            ack(response_type="ephemeral", text=f"No runbook {escape(parts[0])}.")
            return
        # The worker resolves a typed channel (`<#C1|name>` or `#name`) and refuses unknown ones.
        target = parts[1].strip() if len(parts) > 1 else None
        ref = parse_channel_ref(target) if target else None
        if target and ref is None:
            ack(response_type="ephemeral", text=f"Name the channel like `#db-oncall`.\n{RUNBOOK_USAGE}")
            return
        requests.share(cmd.trigger_id, cmd.channel_id, cmd.user_id, runbook.id, target=target or "")
        where = escape(ref.label) if ref else f"<#{cmd.channel_id}>"
        ack(response_type="ephemeral", text=f"Sharing {runbook.ref} in {where}…")
        return
    ack(response_type="ephemeral", text=RUNBOOK_USAGE)
