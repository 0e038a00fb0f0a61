"""The Home tab: snapshot, and text we did not write escaped."""

from __future__ import annotations

import json
from pathlib import Path

from bot.blocks.case_lists import CaseLine
from bot.blocks.home import Headline, HomeItem, HomeView, build_home_view
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"


def view(title: str = "Redis OOM") -> HomeView:
    case = CaseLine(
        ref="FM-12", title=title, status="investigating", severity="high", channel_id="C111", age_s=600
    )
    return HomeView(
        open_cases=[case],
        approvals=[HomeItem(ref="#4", text="restart nginx on web-03 (FM-9, requested by W2)")],
        drafts=[],
        promotions=[
            HomeItem(ref="KF-1", text="Follow RB-0004 (resolved 5/5 times)", link="https://x.invalid/p1")
        ],
        headline=Headline(
            opened=12, resolved=9, median_ttr_s=2520, levels={"L1": 4, "L2": 3, "L3": 1, "escalated": 1}
        ),
    )


def test_home_view_snapshot() -> None:
    assert_matches_snapshot(SNAPSHOTS, "home", build_home_view(view()).to_dict())


def test_case_titles_are_escaped() -> None:
    shown = json.dumps(build_home_view(view("<!channel> & co")).to_dict())
    assert "&lt;!channel&gt; &amp; co" in shown and "<!channel>" not in shown
