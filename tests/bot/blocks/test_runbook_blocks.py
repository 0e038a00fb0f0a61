"""Runbook builders: valid Block Kit, stable JSON."""

from __future__ import annotations

from pathlib import Path

from bot.blocks.runbooks import (
    RunbookHit,
    build_runbook_modal,
    build_search_result_blocks,
    build_shared_card_blocks,
    build_suggestion_blocks,
    to_mrkdwn,
)
from engine.runbooks.models import Runbook, RunbookSections
from tests.bot.blocks.test_case_blocks import as_json
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
RUNBOOK = Runbook(
    id=42,
    title="Redis OOM kills",
    version=3,
    sections=RunbookSections(
        problem_summary="**Symptoms:**\n- `OOM command not allowed` on writes\n- used_memory at maxmemory",
        diagnosis_steps="1. `redis-cli INFO memory`",
        root_cause="Keys without TTL.",
        solution="### Fix\nSet `maxmemory-policy allkeys-lru` on caches.",
        prevention="Alert at 80% of maxmemory.",
    ),
    times_used=8,
    times_worked=7,
)


def test_suggestion_shows_track_record_and_view_share_buttons() -> None:
    blocks = as_json(build_suggestion_blocks([RunbookHit(runbook=RUNBOOK, similarity=0.71)]))

    assert "📖 *Similar runbook*" in str(blocks[0])
    assert "RB-0042 · Redis OOM kills* (worked 7/8 times)" in str(blocks[1])
    assert "fm_runbook_view" in str(blocks[2]) and "fm_runbook_share" in str(blocks[2])
    assert_matches_snapshot(SNAPSHOTS, "runbook_suggestions", blocks)


def test_search_results_number_each_hit_and_say_when_nothing_matched() -> None:
    blocks = as_json(build_search_result_blocks("redis oom", [RunbookHit(runbook=RUNBOOK)]))
    empty = as_json(build_search_result_blocks("nothing", []))

    assert "1. *RB-0042" in str(blocks[1])
    assert "No runbook matches" in str(empty)
    assert_matches_snapshot(SNAPSHOTS, "runbook_search_results", blocks)


def test_shared_card_and_modal() -> None:
    card = as_json(build_shared_card_blocks(RUNBOOK, "W222"))
    modal = build_runbook_modal(RUNBOOK)
    modal.validate_json()

    assert "shared by <@W222>" in str(card)
    assert_matches_snapshot(SNAPSHOTS, "runbook_shared_card", card)
    assert_matches_snapshot(SNAPSHOTS, "runbook_modal", modal.to_dict())


def test_markdown_becomes_slack_mrkdwn() -> None:
    assert to_mrkdwn("**bold** [docs](https://x.io)\n### Fix") == "*bold* <https://x.io|docs>\n*Fix*"
