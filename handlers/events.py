"""Events: thread replies and @mentions continue a case; a mention elsewhere opens one."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.report import usage_text
from handlers.approval_payloads import run_words
from handlers.approvals import propose_from_thread
from handlers.audit_commands import AUDIT_USAGE, is_audit_request
from handlers.payloads import MessageEvent
from jobs.actions.requests import ActionRequests
from jobs.audit.trail import AuditRequests
from jobs.cases.intake import Intake, NewCaseRequest
from jobs.cases.late_reply_requests import LateReplies
from jobs.incidents.intake import IncidentIntake
from jobs.notices import Notices

log = logging.getLogger(__name__)


_RESOLVE = re.compile(r"^resolved?\b[\s:,.-]*(?P<summary>.*)$", re.I | re.S)


def resolve_summary(words: str) -> str | None:
    """For `resolve <root cause and fix>` the summary ('' when none was given); None otherwise."""
    match = _RESOLVE.match(words.strip())
    return match.group("summary").strip() if match else None


def register(
    app: App,
    intake: Intake,
    resolutions: IncidentIntake | None = None,
    actions: ActionRequests | None = None,
    audits: AuditRequests | None = None,
    notices: Notices | None = None,
    late_replies: LateReplies | None = None,
) -> None:
    """Attach event listeners; `@FaultMaven resolve …` in a case thread resolves it via `resolutions`.

    `late_replies` takes a reply under the bot's own root that is not a known case thread yet (the
    worker posted the root and has not stored its ts, or died in between).
    """

    def tell(message: MessageEvent, user: str, text: str) -> None:
        if notices is not None:
            notices.tell(f"{message.channel}:{message.ts}", message.channel, user, text, message.thread_ts)

    @app.event("app_mention")
    def handle_mention_event(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        ack()
        message = MessageEvent.model_validate(event)
        if not message.from_a_person or message.user is None:
            return
        case_id = (
            intake.find_case_for_thread(message.channel, message.thread_ts) if message.thread_ts else None
        )
        if audits is not None and is_audit_request(message.words):
            if case_id is None:
                tell(message, message.user, AUDIT_USAGE)
                return
            audits.upload(message.ts, case_id, message.channel, message.thread_ts, message.user)
            return
        if case_id is None and late_replies is not None and under_our_root(message, context):
            return  # the `message` delivery of the same reply goes to `late_replies`
        if case_id is not None:
            run = run_words(message.words)
            if actions is not None and notices is not None and run is not None:
                propose_from_thread(actions, notices, case_id, message.channel, message.user, run, message.ts)
                return
            summary = resolve_summary(message.words)
            if resolutions is not None and summary is not None:
                resolutions.resolve_from_slack(case_id, message.user, summary, message.ts)
                return
            intake.record_reply(case_id, message.user, message.words, message.ts, addressed=True)
            return
        if not message.words:
            tell(message, message.user, usage_text())
            return
        intake.open_case(
            NewCaseRequest(
                # Keyed on the message itself: Slack's retries and Socket Mode redeliveries map here.
                dedupe_key=f"message:{message.channel}:{message.ts}",
                source="mention",
                channel_id=message.channel,
                reporter_id=message.user,
                text=message.words,
            )
        )

    @app.event("message")
    def handle_message_event(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        ack()
        message = MessageEvent.model_validate(event)
        if not message.thread_ts or not message.from_a_person or message.user is None or not message.words:
            return
        addressed = bool(context.bot_user_id) and message.text.lstrip().startswith(
            f"<@{context.bot_user_id}>"
        )
        if resolutions is not None and addressed and resolve_summary(message.words) is not None:
            return  # `@FaultMaven resolve …`: the app_mention delivery of this message handles it
        if actions is not None and addressed and run_words(message.words) is not None:
            return  # `@FaultMaven run …`: likewise
        if audits is not None and addressed and is_audit_request(message.words):
            return  # `@FaultMaven audit`: likewise
        case_id = intake.find_case_for_thread(message.channel, message.thread_ts)
        # A mention in a case thread also arrives as app_mention; the message ts dedupes the two,
        # so whichever lands first must say whether the bot was mentioned (anywhere in the text).
        mentioned = bool(context.bot_user_id) and f"<@{context.bot_user_id}>" in message.text
        if case_id is not None:
            intake.record_reply(case_id, message.user, message.words, message.ts, addressed=mentioned)
        elif late_replies is not None and under_our_root(message, context):
            late_replies.record(message.channel, message.thread_ts, message.ts, addressed=mentioned)


def under_our_root(message: MessageEvent, context: BoltContext) -> bool:
    """A thread reply whose root the bot posted."""
    return bool(message.thread_ts and context.bot_user_id and message.parent_user_id == context.bot_user_id)
