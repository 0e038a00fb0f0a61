"""Case and modal builders: valid Block Kit, stable JSON."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.models.blocks import Block

from bot.blocks.case import CaseCard, build_case_root_blocks, build_progress_blocks
from bot.blocks.report import build_report_modal, build_usage_blocks
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
CARD = CaseCard(
    ref="FM-12",
    title="checkout pods OOMKilled since the 14:00 deploy",
    reporter_id="W111",
    status="investigating",
    severity="high",
    service="checkout",
)


def as_json(blocks: list[Block]) -> list[dict[str, object]]:
    for block in blocks:
        block.validate_json()
    return [block.to_dict() for block in blocks]


def test_case_root_shows_id_title_reporter_status_and_severity() -> None:
    blocks = as_json(build_case_root_blocks(CARD))

    assert blocks[0]["text"] == {
        "type": "plain_text",
        "text": "FM-12 · checkout pods OOMKilled since the 14:00 deploy",
    }
    assert "<@W111>" in str(blocks[1]) and "Investigating" in str(blocks[1]) and "High" in str(blocks[1])
    assert_matches_snapshot(SNAPSHOTS, "case_root", blocks)


def test_progress_message_snapshot() -> None:
    assert_matches_snapshot(SNAPSHOTS, "progress", as_json(build_progress_blocks("reading the report")))


def test_report_modal_is_valid_and_carries_the_channel() -> None:
    view = build_report_modal("C111")
    view.validate_json()

    assert_matches_snapshot(SNAPSHOTS, "report_modal", view.to_dict())


def test_usage_suggests_help_for_unknown_words() -> None:
    blocks = as_json(build_usage_blocks("redis"))

    assert "/faultmaven help redis" in str(blocks[0])
    assert_matches_snapshot(SNAPSHOTS, "usage_unknown", blocks)
