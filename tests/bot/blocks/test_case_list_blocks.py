"""`/faultmaven list` and `status` answers: snapshots, and text we did not write escaped."""

from __future__ import annotations

import json
from pathlib import Path

from bot.blocks.case_lists import (
    CaseLine,
    CaseListView,
    CaseStatusView,
    build_case_list_blocks,
    build_case_status_blocks,
)
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
LINK = "https://example.slack.com/archives/C111/p1700000000000100"


def line(ref: str, title: str, channel: str = "C111", service: str | None = "cache-01") -> CaseLine:
    return CaseLine(
        ref=ref,
        title=title,
        status="investigating",
        severity="high",
        service=service,
        channel_id=channel,
        link=LINK,
        age_s=5400,
    )


def test_case_list_snapshot() -> None:
    view = CaseListView(
        lines=[line("FM-12", "Redis OOM on cache-01"), line("FM-9", "DNS timeouts", "C222", None)],
        all_channels=True,
        channel_id="C111",
        more=True,
    )
    assert_matches_snapshot(SNAPSHOTS, "case_list", [b.to_dict() for b in build_case_list_blocks(view)])


def test_case_status_snapshot() -> None:
    view = CaseStatusView(
        case=line("FM-12", "Redis OOM on cache-01").model_copy(update={"status": "resolved"}),
        reporter_id="W111",
        diagnosis="Redis at maxmemory",
        level="L1",
        resolved_in_s=2520,
        stated_fix="raised maxmemory",
    )
    assert_matches_snapshot(SNAPSHOTS, "case_status", [b.to_dict() for b in build_case_status_blocks(view)])


def test_titles_services_and_fixes_are_escaped_and_an_empty_list_says_so() -> None:
    view = CaseListView(
        lines=[line("FM-1", "<!channel> & co", service="<b>")], all_channels=False, channel_id="C1"
    )
    shown = json.dumps([b.to_dict() for b in build_case_list_blocks(view)])
    assert "&lt;!channel&gt; &amp; co" in shown and "&lt;b&gt;" in shown and "<!channel>" not in shown
    empty = CaseListView(lines=[], all_channels=False, channel_id="C1")
    assert "No open cases in <#C1>" in json.dumps([b.to_dict() for b in build_case_list_blocks(empty)])
