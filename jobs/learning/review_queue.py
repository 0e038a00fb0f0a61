"""What learning adds to the review queue: proposed known fixes and next versions of failed runbooks
(stale runbooks are in staleness.py)."""

from __future__ import annotations

from bot.blocks.known_fixes import QueuedKnownFix
from bot.blocks.runbook_revisions import RevisionCard
from engine.learning.figures import signature_label
from jobs.learning.memory import thread_link
from jobs.learning.revision_cards import revision_card
from jobs.runtime import JobContext


def queued_known_fixes(ctx: JobContext) -> list[QueuedKnownFix]:
    """Proposed known fixes, newest first, linked to their cards."""
    if ctx.learning is None:
        return []
    return [
        QueuedKnownFix(
            ref=f"KF-{f.id}",
            text=f"{f.fix_text} ({signature_label(f.signature)}, resolved {f.successes}/{f.trials} times)",
            link=thread_link(ctx, f.channel_id, f.card_ts) if f.channel_id else None,
        )
        for f in ctx.learning.home.proposed_known_fixes()
    ]


def queued_revisions(ctx: JobContext, runbook_ids: list[int]) -> dict[int, RevisionCard]:
    """Of these runbooks awaiting review, the next versions drafted from a failure, with their context."""
    if ctx.learning is None:
        return {}
    cards = {}
    for runbook_id, row in ctx.learning.revisions.for_runbooks(runbook_ids).items():
        card = revision_card(ctx, row)
        if card is not None:
            cards[runbook_id] = card
    return cards
