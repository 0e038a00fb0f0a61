"""The known-fix card in each state, and its forms: snapshots, escaping, buttons only when they apply."""

from __future__ import annotations

import json
from pathlib import Path

from bot.blocks.known_fixes import (
    KnownFixCard,
    KnownFixTarget,
    QueuedKnownFix,
    build_known_fix_approve_modal,
    build_known_fix_card_blocks,
    build_known_fix_queue_blocks,
    build_known_fix_reject_modal,
)
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
CARD = KnownFixCard(
    fix_id=3,
    problem="database · RB-0004 · cache-01",
    fix_text="Follow RB-0004: raised maxmemory",
    cases=[f"FM-{n}" for n in range(1, 8)],
    successes=7,
    trials=7,
    low=0.6457,
    high=1.0,
    median_ttr_s=1500,
)


def blocks(card: KnownFixCard) -> str:
    return json.dumps([b.to_dict() for b in build_known_fix_card_blocks(card)], ensure_ascii=False)


def test_proposed_card_and_forms_snapshot() -> None:
    target = KnownFixTarget(fix_id=3, channel_id="C111")
    assert_matches_snapshot(SNAPSHOTS, "known_fix_proposed", json.loads(blocks(CARD)))
    assert_matches_snapshot(
        SNAPSHOTS, "known_fix_approve_modal", build_known_fix_approve_modal(target, "").to_dict()
    )
    assert_matches_snapshot(
        SNAPSHOTS, "known_fix_reject_modal", build_known_fix_reject_modal(target).to_dict()
    )


def test_decided_cards_show_who_and_why_escaped_with_only_the_buttons_that_apply() -> None:
    approved = blocks(
        CARD.model_copy(update={"status": "approved", "reviewer": "W9", "name": "<b>", "notes": "a & b"})
    )
    assert "Approved by <@W9> as *&lt;b&gt;* — a &amp; b" in approved
    assert "fm_known_fix_disable" in approved and "fm_known_fix_approve" not in approved
    rejected = blocks(CARD.model_copy(update={"status": "rejected", "reviewer": "W9", "reason": "<!here>"}))
    assert "Rejected by <@W9>: &lt;!here&gt;" in rejected and '"actions"' not in rejected
    assert "resolved 7/7 times (95% interval 65%–100%), median time to resolution 25 min" in blocks(CARD)


def test_review_queue_lists_proposed_fixes_linked_and_escaped() -> None:
    assert build_known_fix_queue_blocks([]) == []
    [block] = build_known_fix_queue_blocks(
        [QueuedKnownFix(ref="KF-2", text="a <b>", link="https://x.invalid/p")]
    )
    text = json.dumps(block.to_dict())
    assert "<https://x.invalid/p|KF-2>" in text and "a &lt;b&gt;" in text
