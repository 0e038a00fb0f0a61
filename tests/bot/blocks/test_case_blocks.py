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


def test_case_root_shows_escaped_report_and_a_persons_severity_beside_the_suggestion() -> None:
    card = CARD.model_copy(
        update={
            "report": "OOMKilled <exit 137> & restarts since 14:00\nheap at 98%",
            "reported_severity": "high",
            "suggested_severity": "critical",
        }
    )

    blocks = as_json(build_case_root_blocks(card))

    assert blocks[1]["text"] == {
        "type": "mrkdwn",
        "text": "*Report*\nOOMKilled &lt;exit 137&gt; &amp; restarts since 14:00\nheap at 98%",
    }
    severity = {"type": "mrkdwn", "text": "*Severity*\n🟠 High\n_FaultMaven suggests 🔴 Critical_"}
    fields = blocks[2]["fields"]
    assert isinstance(fields, list) and severity in fields
    assert "(guess)" not in str(blocks)
    assert_matches_snapshot(SNAPSHOTS, "case_root_with_report", blocks)


def test_case_root_without_a_persons_choice_marks_the_engines_severity_as_a_guess() -> None:
    card = CARD.model_copy(update={"suggested_severity": "critical"})

    assert "🔴 Critical (guess)" in str(as_json(build_case_root_blocks(card)))


def test_case_root_shows_only_the_first_lines_of_a_long_paste() -> None:
    lines = [f"ERROR upstream timed out line {i}" for i in range(40)]
    card = CARD.model_copy(update={"report": "\n".join(lines)})

    blocks = as_json(build_case_root_blocks(card))

    report = str(blocks[1])
    assert "line 0" in report and "line 7" in report and "line 8" not in report
    assert "32 more lines: the full report is the snippet in this thread." in str(blocks[2])
