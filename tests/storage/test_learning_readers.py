"""The learning read queries run on SQLite and PostgreSQL alike (booleans, subqueries, outer joins)."""

from __future__ import annotations

from datetime import timedelta

from storage.case_history import CaseHistoryReader
from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.home_items import HomeItemsReader
from storage.known_fixes import KnownFixRepository, NewKnownFix
from storage.models import utcnow
from storage.runbook_feedback import RunbookFeedbackRepository
from storage.runbook_usage import RunbookUsageReader
from storage.runbooks import RunbookFields, RunbookRepository
from storage.team_stats import TeamStatsReader


def test_readers_answer_on_every_database(any_database_url: str) -> None:
    sessions = make_session_factory(make_engine(any_database_url))
    cases = CaseRepository(sessions)
    runbooks = RunbookRepository(sessions)
    runbook = runbooks.create(RunbookFields(title="Redis OOM", status="active", source="imported"))
    new = NewCase("k1", "form", "C111", "redis oom", "d", "W1", "high", "investigating", "Cache-01")
    case, _job, _created = cases.open_case(new, "diagnose_case")
    runbooks.record_suggestions(case.id, [(runbook.id, 0.8)])
    RunbookFeedbackRepository(sessions).record_vote(case.id, runbook.id, "W1", True)
    fixes = KnownFixRepository(sessions)
    fix = fixes.propose(NewKnownFix("database|runbook:1|-", "runbook:1", "Follow RB-0001", 5, 5, "{}"))
    assert (
        fix is not None
        and fixes.propose(NewKnownFix("database|runbook:1|-", "runbook:1", "x", 1, 1, "{}")) is None
    )
    fixes.record_use(case.id, fix.id)
    fixes.record_use(case.id, fix.id)  # once per case

    since = utcnow() - timedelta(days=1)
    team = TeamStatsReader(sessions)
    [record] = team.cases(since, "cache-01")
    assert record.had_runbook and record.outcome is None
    assert [(r.used, r.worked) for r in team.runbooks(since, "cache-01")] == [(1, 1)]
    assert team.approvals(since) == [] and team.llm_cost(since, "cache-01") == 0.0
    assert [c.id for c in CaseHistoryReader(sessions).open_cases("resolved", "C111")] == [case.id]
    assert [c.id for c in HomeItemsReader(sessions).open_cases_of("W1", "resolved")] == [case.id]
    assert [f.id for f in HomeItemsReader(sessions).proposed_known_fixes()] == [fix.id]
    [usage] = RunbookUsageReader(sessions).usage("active")
    assert usage.last_suggested_at is not None and usage.last_confirmed_at is not None
    assert fixes.decide(fix.id, "proposed", "approved", "W9", name="Redis bump", notes="")
    assert not fixes.decide(fix.id, "proposed", "rejected", "W8", reason="late")
    used = fixes.used_on(case.id)
    assert (
        used is not None
        and used.status == "approved"
        and fixes.approved_for("database|runbook:1|-") is not None
    )


def test_only_one_run_may_post_a_known_fix_card(any_database_url: str) -> None:
    # Two workers resolving cases of one problem at once both see a proposed fix without a card.
    fixes = KnownFixRepository(make_session_factory(make_engine(any_database_url)))
    fix = fixes.propose(NewKnownFix("network|runbook:2|-", "runbook:2", "Follow RB-0002", 5, 5, "{}"))
    assert fix is not None

    assert [fixes.claim_card(fix.id), fixes.claim_card(fix.id)] == [True, False]
    fixes.set_card(fix.id, "C111", "1700000000.000100")
    assert fixes.claim_card(fix.id) is False
