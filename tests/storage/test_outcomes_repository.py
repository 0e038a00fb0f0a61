"""Outcomes upsert per case and a signature's figures are re-derived, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from engine.learning.figures import wilson_interval
from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.outcomes import OutcomeFields, OutcomeRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def fields(
    case_id: int, minutes: int, level: str = "L1", signature: str = "database|runbook:4|-"
) -> OutcomeFields:
    category, pattern, _ = signature.split("|")
    return OutcomeFields(
        case_id=case_id,
        resolution_id=None,
        channel_id="C111",
        signature=signature,
        category=category,
        pattern=pattern,
        service="",
        level=level,
        fix_key="runbook:4" if level == "L1" else "",
        success=level != "escalated",
        failed_fix_keys="",
        inferred=True,
        stated_fix="fixed",
        opened_at=T0,
        resolved_at=T0 + timedelta(minutes=minutes),
        time_to_resolution_s=minutes * 60,
        time_to_first_useful_s=60,
    )


def test_figures_follow_reclassification_without_double_counting(any_database_url: str) -> None:
    sessions = make_session_factory(make_engine(any_database_url))
    cases = CaseRepository(sessions)
    reports = [
        NewCase(f"k{i}", "slash", "C111", f"t{i}", "d", "W1", "medium", "investigating") for i in range(3)
    ]
    ids = [cases.open_case(case, "diagnose_case")[0].id for case in reports]
    repo = OutcomeRepository(sessions, wilson_interval)
    repo.record(fields(ids[0], 10), "resolved")
    repo.record(fields(ids[1], 20), "resolved")
    repo.record(fields(ids[2], 60, level="escalated"), "resolved")
    repo.record(fields(ids[2], 60, level="escalated"), "resolved")  # a retried job

    stats = repo.stats("database|runbook:4|-")
    assert stats is not None
    assert (stats.occurrences, stats.l1, stats.escalated, stats.successes) == (3, 2, 1, 2)
    assert (stats.median_resolution_s, stats.mean_resolution_s) == (1200.0, 1800.0)
    assert (stats.success_low, stats.success_high) == wilson_interval(2, 3)

    moved = replace(
        fields(ids[2], 60, level="L3"), signature="network_dns|-|-", category="network_dns", pattern="-"
    )
    repo.record(moved, "resolved")
    old, new = repo.stats("database|runbook:4|-"), repo.stats("network_dns|-|-")
    assert old is not None and (old.occurrences, old.escalated, old.median_resolution_s) == (2, 0, 900.0)
    assert new is not None and (new.occurrences, new.l3) == (1, 1)
    assert {c.status for c in (cases.get(i) for i in ids) if c} == {"resolved"}
