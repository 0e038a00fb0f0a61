"""Details on a diagnosis: the click handler opens a small loading modal at once (its trigger_id lives
3 s) and submits this job, which reads the case and fills the modal in with views.update.

The case and its facts are read here rather than in the handler: the full diagnosis is parsed and the
case's text scanned for names, and the ack path stays free of SQL reads and engine work."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.diagnosis_details import build_details_unavailable_modal, build_diagnosis_details_modal
from engine.models import Diagnosis
from jobs.actions.forms import case_facts_of
from jobs.runtime import current_context
from jobs.submission import JobSubmitter, claim_outbox, safe_key
from storage.outbox import PendingJob

log = logging.getLogger(__name__)

# views.update on a modal the person already closed: nothing left to show.
_CLOSED = {"not_found", "view_not_found"}


class DetailsRequests:
    """What the Details click handler uses: one outbox row and enqueue per opened modal."""

    def __init__(self, submitter: JobSubmitter) -> None:
        self.submitter = submitter

    def show(self, case_id: int, channel_id: str, user_id: str, view_id: str) -> bool:
        """Fill the loading modal `view_id` with the case's diagnosis; False for a repeated delivery."""
        key = f"show_diagnosis_details:{safe_key(view_id)}"
        return self.submitter.submit(
            PendingJob(key, "show_diagnosis_details", [case_id, channel_id, user_id, view_id, key])
        )


def show_diagnosis_details(
    case_id: int, channel_id: str, user_id: str, view_id: str, outbox_key: str = ""
) -> dict[str, Any]:
    """Replace the loading modal with the case's latest diagnosis, in full (idempotent: the same update)."""
    ctx = current_context()
    claim_outbox(ctx.cases, outbox_key)
    case = ctx.cases.get(case_id)
    if case is None or case.channel_id != channel_id:
        view = build_details_unavailable_modal("That button does not belong to a case in this channel.")
        status = "refused"
    elif not case.diagnosis_json:
        view = build_details_unavailable_modal("This case has no diagnosis yet.")
        status = "no_diagnosis"
    else:
        environments = ctx.actions.channel_environments if ctx.actions else {}
        diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
        view = build_diagnosis_details_modal(case.ref, diagnosis, case_facts_of(case, environments))
        status = "shown"
    try:
        ctx.slack.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        if error.response.get("error") not in _CLOSED:
            raise
        log.info("details modal closed before it was filled", extra={"case_id": case_id})
        return {"status": "closed", "case_id": case_id}
    return {"status": status, "case_id": case_id, "user_id": user_id}
