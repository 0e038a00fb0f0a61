"""A superseded diagnosis keeps its words and loses its Run… buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.blocks.diagnosis import build_diagnosis_blocks
from bot.blocks.superseded import build_superseded_blocks
from bot.ids import Ids
from engine.models import Diagnosis, RecommendedAction, RiskLevel
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"


def posted_diagnosis() -> list[dict[str, Any]]:
    diagnosis = Diagnosis(
        summary="Pods hit their memory limit <after> the deploy",
        recommended_actions=[
            RecommendedAction(
                title="Raise the memory limit", command="kubectl set resources", risk=RiskLevel.MEDIUM
            )
        ],
    )
    return [block.to_dict() for block in build_diagnosis_blocks("FM-1", diagnosis, case_id=7)]


def test_superseded_diagnosis_drops_run_buttons_and_says_why() -> None:
    blocks = [block.to_dict() for block in build_superseded_blocks(posted_diagnosis())]

    assert Ids.ACTION_RUN_BUTTON not in str(blocks)
    assert blocks[-1]["block_id"] == Ids.DIAGNOSIS_SUPERSEDED
    assert_matches_snapshot(SNAPSHOTS, "diagnosis_superseded", blocks)


def test_superseding_twice_gives_the_same_blocks() -> None:
    once = [block.to_dict() for block in build_superseded_blocks(posted_diagnosis())]
    twice = [block.to_dict() for block in build_superseded_blocks(once)]

    assert twice == once
