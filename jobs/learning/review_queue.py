"""What learning adds to the review queue: proposed known fixes (stale runbooks are in staleness.py)."""

from __future__ import annotations

from bot.blocks.known_fixes import QueuedKnownFix
from engine.learning.figures import signature_label
from jobs.learning.memory import thread_link
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
