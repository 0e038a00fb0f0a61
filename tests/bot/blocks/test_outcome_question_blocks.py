"""The resolution-level question and its answered form."""

from __future__ import annotations

from pathlib import Path

from bot.blocks.outcome_question import build_level_answered_blocks, build_level_question_blocks
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"


def test_level_question_snapshot() -> None:
    assert_matches_snapshot(
        SNAPSHOTS, "level_question", [b.to_dict() for b in build_level_question_blocks("FM-3", 3)]
    )


def test_answered_question_names_the_answer_and_who_gave_it() -> None:
    [block] = [b.to_dict() for b in build_level_answered_blocks("FM-3", "L2", "W5")]
    assert block["elements"][0]["text"] == (
        "📏 FM-3 was resolved with: *FaultMaven's suggestion* (answered by <@W5>). Thanks!"
    )
