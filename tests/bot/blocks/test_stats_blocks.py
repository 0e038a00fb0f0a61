"""The stats reply: snapshot, and service names and runbook titles escaped."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.blocks.stats import build_stats_blocks
from engine.learning.team_figures import ApprovalSample, CaseSample, RunbookSample, team_figures
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


def figures(service: str = "", title: str = "Redis OOM") -> list[dict[str, object]]:
    opened = NOW - timedelta(days=3)
    cases = [
        CaseSample(
            case_id=n,
            opened_at=opened,
            category="database",
            service="cache-01",
            resolved_at=opened + timedelta(minutes=10 * n),
            time_to_resolution_s=600 * n,
            level="L1" if n % 2 else "L3",
            signature="database|runbook:4|cache-01",
            had_runbook=n % 2 == 1,
        )
        for n in range(1, 5)
    ]
    runbooks = [RunbookSample(ref="RB-0004", title=title, used=3, worked=3)]
    approvals = [
        ApprovalSample(status="approved", requested_at=opened, decided_at=opened + timedelta(minutes=4))
    ]
    result = team_figures(cases, runbooks, approvals, 0.42, 30, NOW, service)
    return [b.to_dict() for b in build_stats_blocks(result)]


def test_stats_blocks_snapshot() -> None:
    assert_matches_snapshot(SNAPSHOTS, "team_stats", figures("cache-01"))


def test_service_and_titles_are_escaped() -> None:
    shown = json.dumps(figures("<!here>", title="a <b> & c"))
    assert "&lt;!here&gt;" in shown and "a &lt;b&gt; &amp; c" in shown and "<!here>" not in shown
