"""The next-version card (pending, approved, rejected), its reject form, the queue and the lineage:
snapshots, escaping of every text FaultMaven did not write, buttons only while pending."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.blocks.runbook_revisions import (
    DIFF_LINES,
    LineageEntry,
    RevisionCard,
    RevisionTarget,
    build_lineage_blocks,
    build_revision_card_blocks,
    build_revision_queue_blocks,
    build_revision_reject_modal,
    diff_block_text,
)
from engine.runbooks.models import Runbook, RunbookSections, RunbookStatus
from engine.runbooks.revision import unified_diff
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
PARENT = RunbookSections(root_cause="Keys without TTL", solution="1. Enable eviction")
CHILD = RunbookSections(
    root_cause="Keys without TTL\n\n**Also seen (FM-7):** <replica> buffers",
    solution="1. Enable eviction\n\n### If the fix above does not work\nset ```limit``` <!channel>",
)
V2 = Runbook(
    id=41, title="Redis <OOM>", version=2, parent_id=4, status=RunbookStatus.PENDING_REVIEW, sections=CHILD
)
CARD = RevisionCard(
    runbook=V2,
    parent_ref="RB-0004",
    parent_version=1,
    case_ref="FM-7",
    failure="runbook insufficient",
    reason="it lacked the <fix> that worked",
    evidence=["the runbook's steps found nothing <@U1>"],
    failed_votes=2,
    worked_votes=0,
    stated_fix="fix: set limit <!here>",
    diff=unified_diff(PARENT, CHILD),
)


def rendered(card: RevisionCard) -> str:
    return json.dumps([b.to_dict() for b in build_revision_card_blocks(card)], ensure_ascii=False)


def test_pending_card_shows_failure_context_and_an_escaped_diff_with_review_buttons() -> None:
    assert_matches_snapshot(SNAPSHOTS, "runbook_revision_pending", json.loads(rendered(CARD)))
    text = rendered(CARD)
    for raw in ("<replica>", "<!channel>", "<fix>", "<@U1>", "<!here>", "<OOM>"):
        assert raw not in text
    assert "+**Also seen (FM-7):** &lt;replica&gt; buffers" in text and "❌ 2 · ✅ 0" in text
    assert "```limit```" not in text, "a backtick fence in the text cannot close the diff's code block"
    assert "fm_runbook_revision_reject" in text and "fm_runbook_approve" in text


def test_decided_cards_say_who_and_lose_their_buttons() -> None:
    approved = CARD.model_copy(
        update={"runbook": V2.model_copy(update={"status": RunbookStatus.ACTIVE, "reviewer": "W9"})}
    )
    rejected = CARD.model_copy(
        update={
            "runbook": V2.model_copy(update={"status": RunbookStatus.ARCHIVED, "reviewer": "W9"}),
            "rejection_reason": "only <one> replica",
        }
    )
    assert "is active; RB-0004 was retired" in rendered(approved) and "fm_runbook_approve" not in rendered(
        approved
    )
    assert "Rejected by <@W9>: only &lt;one&gt; replica — RB-0004 stays active" in rendered(rejected)
    assert "actions" not in [b["type"] for b in json.loads(rendered(rejected))]


def test_long_diffs_are_clipped_and_counted() -> None:
    lines = [f"+line {n}" for n in range(DIFF_LINES + 5)]
    text = diff_block_text(lines)
    assert "+35 −0 lines" in text and "… 5 more lines" in text and "+line 34" not in text


def test_reject_form_queue_and_lineage_snapshot() -> None:
    modal = build_revision_reject_modal(RevisionTarget(runbook_id=41, channel_id="C111")).to_dict()
    assert_matches_snapshot(SNAPSHOTS, "runbook_revision_reject_modal", modal)
    queue = [b.to_dict() for b in build_revision_queue_blocks([CARD] * 4)]
    assert "(4)" in json.dumps(queue, ensure_ascii=False) and "…and RB-0041" in json.dumps(
        queue, ensure_ascii=False
    )
    when = datetime(2026, 11, 29, 23, 40, tzinfo=UTC)
    entries = [
        LineageEntry(
            ref="RB-0004",
            version=1,
            status="retired",
            reviewer="W1",
            reviewed_at=when,
            times_used=3,
            times_worked=1,
        ),
        LineageEntry(
            ref="RB-0041",
            version=2,
            status="active",
            reviewer="W9",
            reviewed_at=when,
            failure="runbook insufficient",
            case_ref="FM-7",
        ),
    ]
    lineage = [b.to_dict() for b in build_lineage_blocks(entries, "RB-0041")]
    assert_matches_snapshot(SNAPSHOTS, "runbook_lineage", lineage)
    assert build_lineage_blocks(entries[:1], "RB-0004") == [], "one version has no history to show"
