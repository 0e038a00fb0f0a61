"""Staleness: idle periods count from creation, success needs enough votes to mean something."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.learning.staleness import RunbookUsage, stale_reasons, stale_runbooks

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def usage(**fields: object) -> RunbookUsage:
    return RunbookUsage.model_validate({"ref": "RB-0001", "title": "t", "created_at": NOW, **fields})


def test_a_new_runbook_has_grace_and_recent_use_keeps_an_old_one_fresh() -> None:
    assert stale_reasons(usage(), NOW) == []
    old = NOW - timedelta(days=200)
    fresh = usage(created_at=old, last_suggested_at=NOW - timedelta(days=3), last_confirmed_at=NOW)
    assert stale_reasons(fresh, NOW) == []
    assert stale_reasons(usage(created_at=old, last_suggested_at=NOW), NOW) == [
        "not confirmed ✅ in 200 days"
    ]


def test_low_success_needs_enough_votes() -> None:
    assert stale_reasons(usage(used=2, worked=0), NOW) == []
    assert stale_reasons(usage(used=3, worked=1), NOW) == ["worked 1/3 times, under 50%"]
    assert stale_reasons(usage(used=4, worked=2), NOW) == []


def test_the_most_troubled_runbooks_come_first() -> None:
    old = NOW - timedelta(days=100)
    found = stale_runbooks([usage(used=3, worked=0), usage(ref="RB-0002", created_at=old)], NOW)
    assert [s.ref for s in found] == ["RB-0002", "RB-0001"]
