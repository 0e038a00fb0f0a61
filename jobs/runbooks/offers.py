"""'Glad we solved it! Create a runbook from this case?': posted once per resolved case.

Kept apart from the drafting jobs so incident jobs can offer too without an import cycle.
"""

from __future__ import annotations

import logging

from bot.blocks.runbook_drafts import OFFER_TEXT, build_runbook_offer_blocks
from engine.models import CaseStatus
from jobs.cases.thread_messages import post_case_message_once
from jobs.runtime import JobContext
from storage.models import Case

log = logging.getLogger(__name__)


def post_runbook_offer(ctx: JobContext, case: Case, resolution_id: int | None) -> str | None:
    """Ask once per case whether to draft a runbook; returns the offer's message ts.

    `resolution_id` None: the case was resolved at its source, which gives no fix, so the offer's
    button asks for the root cause and fix first. A resolution typed in Slack later fills that gap
    and turns the offer back into the one-click kind.
    """
    if ctx.runbooks is None or case.root_ts is None:
        return None
    repo = ctx.runbooks.repo
    offer = repo.ensure_offer(case.id, resolution_id, case.channel_id, case.root_ts)
    learned_fix = offer.resolution_id is None and resolution_id is not None
    ask_for_fix = offer.resolution_id is None and resolution_id is None
    if learned_fix:
        repo.update_offer(offer.id, resolution_id=resolution_id)
    if offer.offer_ts is not None:
        if learned_fix and offer.runbook_id is None and offer.declined_by is None:
            ctx.slack.chat_update(
                channel=offer.channel_id,
                ts=offer.offer_ts,
                text=OFFER_TEXT,
                blocks=build_runbook_offer_blocks(case.id),
            )
        return offer.offer_ts
    posted = post_case_message_once(
        ctx.slack,
        case.channel_id,
        case.id,
        f"runbook_offer:{offer.id}",
        thread_ts=case.root_ts,
        text=OFFER_TEXT,
        blocks=build_runbook_offer_blocks(case.id, ask_for_fix=ask_for_fix),
    )
    repo.update_offer(offer.id, offer_ts=posted)
    log.info("runbook offered", extra={"case": case.ref, "asks_for_fix": ask_for_fix})
    return posted


def offer_runbook_at_source(ctx: JobContext, case_id: int) -> str | None:
    """Offer a runbook on a case its source (PagerDuty, Alertmanager) resolved; no-op otherwise."""
    case = ctx.cases.get(case_id)
    if case is None or case.status != CaseStatus.RESOLVED.value:
        return None
    return post_runbook_offer(ctx, case, None)
