"""The runbook review queue, and who counts as a reviewer (user groups are resolved through Slack)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.known_fixes import build_known_fix_queue_blocks
from bot.blocks.runbook_review import build_review_queue_blocks, review_queue_text
from bot.blocks.runbook_revisions import build_revision_queue_blocks
from bot.blocks.stale_runbooks import build_stale_runbook_blocks
from engine.runbooks.models import RunbookStatus
from engine.runbooks.reviewers import reviewer_groups
from jobs.learning.review_queue import queued_known_fixes, queued_revisions
from jobs.learning.staleness import find_stale_runbooks
from jobs.runbooks.library import runbook_from_row
from jobs.runtime import JobContext, current_context
from jobs.submission import claim_outbox

log = logging.getLogger(__name__)

AWAITING_REVIEW = (RunbookStatus.DRAFT.value, RunbookStatus.PENDING_REVIEW.value)
# Slack errors that will not go away on a retry: the group is gone or the app lacks usergroups:read.
_PERMANENT = {"no_such_subteam", "missing_scope", "not_allowed_token_type", "invalid_arguments"}


def reviewer_group_members(ctx: JobContext) -> dict[str, set[str]]:
    """Members of each configured reviewer user group, from `usergroups.users.list`.

    A group Slack will not describe (deleted, or the app lacks `usergroups:read`) counts as empty and
    is logged; rate limits and server errors are raised so RQ retries the job.
    """
    members: dict[str, set[str]] = {}
    for group in reviewer_groups(ctx.runbook_reviewers):
        try:
            resp = ctx.slack.usergroups_users_list(usergroup=group)
        except SlackApiError as error:
            reason = str(error.response.get("error", ""))
            if reason not in _PERMANENT:
                raise
            log.warning("cannot read reviewer user group", extra={"group": group, "error": reason})
            members[group] = set()
            continue
        members[group] = {str(user) for user in resp.get("users") or []}
    return members


def list_runbook_reviews(channel_id: str, user_id: str, outbox_key: str = "") -> dict[str, Any]:
    """Answer `/faultmaven runbook review`: every runbook not yet approved, newest first, ephemerally."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    rows = ctx.runbooks.repo.find(AWAITING_REVIEW)
    runbooks = [runbook_from_row(row) for row in reversed(rows)]
    revisions = queued_revisions(ctx, [r.id for r in runbooks])
    drafts = [r for r in runbooks if r.id not in revisions]
    ctx.slack.chat_postEphemeral(
        channel=channel_id,
        user=user_id,
        text=review_queue_text(len(runbooks)),
        blocks=[
            *(
                build_review_queue_blocks(drafts, ctx.runbook_reviewers, datetime.now(UTC))
                if drafts or not revisions
                else []
            ),
            *build_revision_queue_blocks(list(revisions.values()), ctx.runbook_reviewers),
            *build_known_fix_queue_blocks(queued_known_fixes(ctx)),
            *build_stale_runbook_blocks(find_stale_runbooks(ctx)),
        ],
    )
    return {"status": "listed", "runbooks": [r.ref for r in runbooks]}
