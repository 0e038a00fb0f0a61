"""The report-a-problem modal and the usage message."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.mrkdwn import escape
from bot.ids import Ids

SEVERITIES = ("low", "medium", "high", "critical")


def build_report_modal(channel_id: str, prefill: str = "") -> View:
    """Title, what is broken, service and severity; submitting opens a case in `channel_id`."""
    options = [Option(text=PlainTextObject(text=s.capitalize()), value=s) for s in SEVERITIES]
    return View(
        type="modal",
        callback_id=Ids.REPORT_MODAL,
        title=PlainTextObject(text="Open a FaultMaven case"[:24]),
        submit=PlainTextObject(text="Diagnose"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            InputBlock(
                block_id=Ids.REPORT_TITLE_BLOCK,
                label=PlainTextObject(text="Title"),
                element=PlainTextInputElement(
                    action_id=Ids.REPORT_TITLE_INPUT,
                    max_length=150,
                    placeholder=PlainTextObject(text="checkout pods OOMKilled"),
                ),
            ),
            InputBlock(
                block_id=Ids.REPORT_PROBLEM_BLOCK,
                label=PlainTextObject(text="What is broken?"),
                element=PlainTextInputElement(
                    action_id=Ids.REPORT_PROBLEM_INPUT,
                    multiline=True,
                    initial_value=prefill or None,
                    placeholder=PlainTextObject(text="Symptoms, errors, when it started, what changed"),
                ),
            ),
            InputBlock(
                block_id=Ids.REPORT_SERVICE_BLOCK,
                label=PlainTextObject(text="Service"),
                optional=True,
                element=PlainTextInputElement(action_id=Ids.REPORT_SERVICE_INPUT, max_length=120),
            ),
            InputBlock(
                block_id=Ids.REPORT_SEVERITY_BLOCK,
                label=PlainTextObject(text="Severity"),
                optional=True,
                element=StaticSelectElement(
                    action_id=Ids.REPORT_SEVERITY_INPUT,
                    options=options,
                    initial_option=options[1],
                ),
            ),
        ],
    )


def usage_text(command: str = "/faultmaven") -> str:
    """Plain usage, for notifications and unknown subcommands."""
    return (
        f"*FaultMaven* — usage:\n"
        f"• `{command} help <what is broken>` opens a case and diagnoses it in a thread\n"
        f"• `{command}` or `{command} help` opens a form to describe the problem\n"
        f"• `{command} search <words>` finds runbooks; `{command} runbook show|share|review …`\n"
        f"• `{command} run` proposes an action for approval; `{command} audit FM-12` uploads a case's trail\n"
        f"• In a case thread, reply or mention @FaultMaven to add evidence; "
        f"`@FaultMaven run <action> <target>`, `@FaultMaven resolve <fix>`, `@FaultMaven audit`"
    )


def build_usage_blocks(unknown: str | None = None, command: str = "/faultmaven") -> list[Block]:
    """Ephemeral help shown for `/faultmaven <unknown>`."""
    blocks: list[Block] = []
    if unknown:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"I don't know `{escape(unknown[:50])}`. "
                    f"Did you mean `{command} help {escape(unknown[:50])} …`?"
                )
            )
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=usage_text(command))))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text="Runs with no LLM key; better with Claude.")])
    )
    return blocks
