"""Runbook votes on SQLite (and PostgreSQL when available): one per person, counters derived from them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.runbook_feedback import RunbookFeedbackRepository, Tally, VoteOutcome, prompt_runbook_ids
from storage.runbooks import RunbookFields, RunbookRepository


def setup(url: str, cases: int = 1) -> tuple[RunbookRepository, RunbookFeedbackRepository, list[int], int]:
    sessions = make_session_factory(make_engine(url))
    case_repo = CaseRepository(sessions)
    case_ids = []
    for n in range(cases):
        new = NewCase(f"k{n}", "slash", "C1", "disk full", "disk full", "W1", "high", "investigating")
        case_ids.append(case_repo.open_case(new, "diagnose_case")[0].id)
    runbooks = RunbookRepository(sessions)
    runbook = runbooks.create(RunbookFields(title="Disk full", status="active", source="library"))
    for case_id in case_ids:
        runbooks.record_suggestions(case_id, [(runbook.id, 0.7)])
    return runbooks, RunbookFeedbackRepository(sessions), case_ids, runbook.id


def counters(runbooks: RunbookRepository, runbook_id: int) -> tuple[int, int]:
    row = runbooks.get(runbook_id)
    assert row is not None
    return row.times_used, row.times_worked


def test_one_vote_per_person_and_counters_count_cases_where_most_said_it_worked(
    any_database_url: str,
) -> None:
    runbooks, feedback, (first, second), rb = setup(any_database_url, cases=2)
    before = runbooks.signature()

    assert feedback.record_vote(first, rb, "A", worked=True) is VoteOutcome.RECORDED
    assert feedback.record_vote(first, rb, "A", worked=True) is VoteOutcome.UNCHANGED  # double click
    assert feedback.record_vote(first, rb, "B", worked=False) is VoteOutcome.RECORDED
    assert feedback.tallies(first) == {rb: Tally(worked=1, failed=1)}
    assert counters(runbooks, rb) == (1, 0), "a tie is not 'worked'"
    assert runbooks.signature() != before, "searchers must rebuild to see the new counters"

    feedback.record_vote(first, rb, "C", worked=True)
    assert counters(runbooks, rb) == (1, 1), "one case, however many voters"
    feedback.record_vote(second, rb, "A", worked=False)
    assert counters(runbooks, rb) == (2, 1)

    assert feedback.record_vote(first, rb, "B", worked=True) is VoteOutcome.CHANGED
    assert feedback.tallies(first) == {rb: Tally(worked=3, failed=0)}
    assert counters(runbooks, rb) == (2, 1)
    assert feedback.record_vote(first, 999_999, "A", worked=True) is VoteOutcome.UNKNOWN_RUNBOOK


def test_concurrent_votes_leave_counters_equal_to_what_the_votes_say(any_database_url: str) -> None:
    runbooks, feedback, case_ids, rb = setup(any_database_url, cases=3)
    votes = [(case_ids[n % 3], f"U{n}", n % 3 != 2 or n % 2 == 0) for n in range(18)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda v: feedback.record_vote(v[0], rb, v[1], v[2]), votes))

    worked_cases = sum(1 for c in case_ids if (t := feedback.tallies(c)[rb]).worked > t.failed)
    assert sum(t.worked + t.failed for c in case_ids for t in feedback.tallies(c).values()) == 18
    assert counters(runbooks, rb) == (3, worked_cases)


def test_prompt_lists_the_best_suggestions_once_and_is_posted_by_one_claimant(any_database_url: str) -> None:
    runbooks, feedback, [case_id], rb = setup(any_database_url)
    other = runbooks.create(RunbookFields(title="Inodes", status="active", source="library"))
    runbooks.record_suggestions(case_id, [(other.id, 0.9)])

    prompt = feedback.ensure_prompt(case_id, "C1", "1700.1", limit=3)
    assert prompt is not None and prompt_runbook_ids(prompt) == [other.id, rb]
    again = feedback.ensure_prompt(case_id, "C1", "1700.1")
    assert again is not None and again.id == prompt.id
    assert feedback.ensure_prompt(case_id + 1000, "C1", "1700.2") is None, "nothing suggested there"

    assert feedback.claim_prompt(prompt.id) and not feedback.claim_prompt(prompt.id)
    feedback.set_prompt_ts(prompt.id, None)  # the post failed: the claim is given back
    assert feedback.claim_prompt(prompt.id)
    feedback.set_prompt_ts(prompt.id, "1700.9")
    stored = feedback.get_prompt(case_id)
    assert stored is not None and stored.message_ts == "1700.9" and not feedback.claim_prompt(prompt.id)
