"""'Did these runbooks help?': valid Block Kit, stable JSON, and button values both sides agree on."""

from __future__ import annotations

from pathlib import Path

from bot.blocks.runbook_feedback import (
    FeedbackLine,
    build_runbook_feedback_blocks,
    feedback_value,
    parse_feedback_value,
)
from tests.bot.blocks.test_case_blocks import as_json
from tests.bot.blocks.test_runbook_blocks import RUNBOOK
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"


def test_feedback_asks_once_and_shows_each_runbooks_votes_with_its_two_buttons() -> None:
    fresh = RUNBOOK.model_copy(update={"id": 7, "title": "Postgres too many connections", "times_used": 0})
    blocks = as_json(
        build_runbook_feedback_blocks(
            12, [FeedbackLine(runbook=RUNBOOK, worked=2, failed=1), FeedbackLine(runbook=fresh)]
        )
    )

    assert "*Did these runbooks help?*" in str(blocks[0]) and blocks[0]["block_id"] == "fm_runbook_feedback"
    assert "RB-0042 · Redis OOM kills*\\n✅ 2 · ❌ 1 here · worked 7/8 times overall" in str(blocks[1])
    assert "RB-0007 · Postgres too many connections*\\nno votes yet" in str(blocks[3])
    buttons = [e for block in (blocks[2], blocks[4]) for e in block["elements"]]  # type: ignore[attr-defined]
    assert [b["action_id"] for b in buttons] == ["fm_runbook_worked", "fm_runbook_failed"] * 2
    assert [b["value"] for b in buttons] == ["12:42", "12:42", "12:7", "12:7"]
    assert_matches_snapshot(SNAPSHOTS, "runbook_feedback", blocks)


def test_button_values_round_trip_and_anything_else_is_rejected() -> None:
    assert parse_feedback_value(feedback_value(12, 42)) == (12, 42)
    for forged in ("", "42", "12:", ":42", "12:42:1", "a:b", "-1:4", "12:4 2", "9" * 13 + ":1"):
        assert parse_feedback_value(forged) is None, forged
