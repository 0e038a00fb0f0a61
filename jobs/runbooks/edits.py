"""Save an edit made in Slack to a runbook awaiting review, and show it on the draft card."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field

from bot.blocks.runbook_drafts import build_runbook_draft_blocks, draft_card_text
from engine.runbooks.models import RunbookSections, RunbookSource, RunbookStatus
from jobs.audit.runtime import record_audit
from jobs.runtime import current_context
from jobs.submission import claim_outbox
from storage.outbox import PendingJob

log = logging.getLogger(__name__)

EDITABLE = (RunbookStatus.DRAFT.value, RunbookStatus.PENDING_REVIEW.value)


class RunbookEdit(BaseModel):
    """The edit modal's content: a title and the five sections (title and problem summary required)."""

    title: str = Field(min_length=1, max_length=300)
    sections: RunbookSections


def save_runbook_edit(
    runbook_id: int, user_id: str, channel_id: str, edit_json: str, notify: bool = False, outbox_key: str = ""
) -> dict[str, Any]:
    """Save the edit as the next version (source "edited", still pending review; nothing re-indexed).

    Only drafts awaiting review are editable: an edit submitted after someone approved or rejected
    the runbook is refused politely. Re-running the job with the same edit changes nothing.
    """
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    if ctx.runbooks is None:
        raise RuntimeError("no runbook library in the JobContext: start jobs through `faultmaven worker`")
    library = ctx.runbooks
    edit = RunbookEdit.model_validate_json(edit_json)

    def tell(text: str) -> None:
        if channel_id:
            ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text)

    values = {
        "title": edit.title,
        **edit.sections.model_dump(),
        "source": RunbookSource.EDITED.value,
        "edited_by": user_id,
    }
    outcome = library.repo.save_edit(int(runbook_id), EDITABLE, values)
    runbook = library.get(int(runbook_id))
    if runbook is None or outcome == "missing":
        tell("That runbook no longer exists, so your edit was not saved.")
        return {"status": "missing", "runbook_id": runbook_id}
    if outcome == "not editable":
        decided = "approved" if runbook.status is RunbookStatus.ACTIVE else runbook.status.value
        by = f" by <@{runbook.reviewer}>" if runbook.reviewer else ""
        tell(
            f"Sorry, {runbook.ref} was {decided}{by} before your edit arrived, so it was not saved. "
            "Only runbooks awaiting review can be edited here."
        )
        return {"status": "not editable", "runbook": runbook.ref}
    # Pending runbooks are not in the search index, so there is nothing to re-index until approval.
    offer = library.repo.offer_for_runbook(runbook.id)
    record_audit(
        ctx,
        "runbook_edited",
        case_id=offer.case_id if offer else None,
        actor=user_id,
        data={"runbook": runbook.ref, "version": runbook.version, "title": runbook.title},
        event_key=f"runbook_edited:{runbook.id}:{runbook.version}",
    )
    if offer is not None and offer.card_ts is not None:
        ctx.slack.chat_update(
            channel=offer.channel_id,
            ts=offer.card_ts,
            text=draft_card_text(runbook),
            blocks=build_runbook_draft_blocks(runbook, ctx.runbook_reviewers),
        )
    if offer is None and ctx.incidents is not None:
        # A next version drafted from a failure has its card elsewhere: it is redrawn with the new diff.
        key = f"update_revision_card:{runbook.id}:{runbook.version}"
        ctx.incidents.queue.enqueue(PendingJob(key, "update_revision_card", [runbook.id]))
    if notify or offer is None or offer.card_ts is None:
        tell(f"✏️ Saved your edit to {runbook.ref} (v{runbook.version}); it still needs a review.")
    log.info("runbook edited", extra={"runbook": runbook.ref, "version": runbook.version, "saved": outcome})
    return {"status": outcome, "runbook": runbook.ref, "version": runbook.version}
