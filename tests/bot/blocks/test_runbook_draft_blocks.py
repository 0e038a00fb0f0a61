"""Runbook draft builders: the offer on a resolved case and the draft card, before and after review."""

from __future__ import annotations

from pathlib import Path

from bot.blocks.runbook_drafts import (
    build_offer_answered_blocks,
    build_runbook_draft_blocks,
    build_runbook_offer_blocks,
)
from engine.runbooks.models import Runbook, RunbookSections, RunbookSource, RunbookStatus
from tests.bot.blocks.test_case_blocks import as_json
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
DRAFT = Runbook(
    id=42,
    title="Checkout pods OOMKilled",
    status=RunbookStatus.PENDING_REVIEW,
    source=RunbookSource.GENERATED,
    author="W111",
    case_ref="FM-7",
    sections=RunbookSections(
        problem_summary="Checkout pods restart with OOMKilled.",
        diagnosis_steps="1. Consider: memory limit too low (70% in the diagnosis)",
        root_cause="bad memory limit in v42",
        solution="rolled back to v41",
    ),
)


def test_offer_asks_with_create_and_no_thanks_buttons() -> None:
    blocks = as_json(build_runbook_offer_blocks(7))

    assert "Glad we solved it! Create a runbook from this case?" in str(blocks[0])
    assert "fm_runbook_create" in str(blocks[1]) and "fm_runbook_decline" in str(blocks[1])
    assert_matches_snapshot(SNAPSHOTS, "runbook_offer", blocks)
    assert "fm_runbook_create" not in str(as_json(build_offer_answered_blocks("👍 No runbook")))


def test_draft_card_has_sections_and_review_buttons_until_decided() -> None:
    pending = as_json(build_runbook_draft_blocks(DRAFT))
    approved = as_json(
        build_runbook_draft_blocks(
            DRAFT.model_copy(update={"status": RunbookStatus.ACTIVE, "reviewer": "W222"})
        )
    )

    assert {"type": "mrkdwn", "text": "*Root cause*\nbad memory limit in v42"} in [
        b.get("text") for b in pending
    ]
    assert "Prevention" not in str(pending), "empty sections are left out"
    assert "fm_runbook_approve" in str(pending[-1]) and "fm_runbook_reject" in str(pending[-1])
    assert_matches_snapshot(SNAPSHOTS, "runbook_draft", pending)
    assert "✅ Approved by <@W222> — RB-0042 is now searchable" in str(approved[-1])
    assert "fm_runbook_approve" not in str(approved)
