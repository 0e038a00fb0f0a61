"""Every resolved case records how it was resolved, and its signature's figures, through the real app."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from engine.models import Diagnosis
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.learning_models import CaseOutcomeRow
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.runbooks.runbook_helpers import press
from tests.jobs.runbooks.test_runbook_feedback import vote

REDIS = "redis on cache-01 rejects writes: OOM command not allowed when used memory > maxmemory"


def outcome_of(job_context: JobContext, case_id: int) -> CaseOutcomeRow:
    assert job_context.learning is not None
    row = job_context.learning.outcomes.for_case(case_id)
    assert row is not None
    return row


def test_a_runbook_voted_worked_after_resolution_turns_the_case_into_l1(
    web: TestClient,
    services: Services,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    case = open_case(services, run_jobs, REDIS)
    resolve(web, case, "flushed the stale session keys")
    run_jobs()

    before = outcome_of(job_context, case.id)
    assert (before.level, before.inferred, before.fix_key) == ("L3", False, "")
    assert services.cases.get(case.id).status == "resolved"  # type: ignore[union-attr]

    redis = runbook_library.search(REDIS, k=1)[0].runbook
    vote(web, "fm_runbook_worked", f"{case.id}:{redis.id}", "W1")
    vote(web, "fm_runbook_worked", f"{case.id}:{redis.id}", "W1")  # a double click counts once
    run_jobs()

    after = outcome_of(job_context, case.id)
    assert (after.level, after.fix_key, after.success) == ("L1", f"runbook:{redis.id}", True)
    assert after.signature == f"{before.category}|runbook:{redis.id}|-"
    assert after.time_to_first_useful_s is not None
    assert 0 <= after.time_to_first_useful_s <= after.time_to_resolution_s
    stats = job_context.learning.outcomes.stats(after.signature)  # type: ignore[union-attr]
    assert stats is not None and (stats.occurrences, stats.l1, stats.l3) == (1, 1, 0)


def test_each_path_gets_its_level_and_the_signature_figures_count_every_case_once(
    web: TestClient,
    services: Services,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    by_hand = open_case(services, run_jobs, REDIS)
    escalated = open_case(services, run_jobs, REDIS)
    led = open_case(services, run_jobs, REDIS)
    said = Diagnosis.model_validate_json(led.diagnosis_json or "").hypotheses[0].cause

    resolve(web, by_hand, "restarted the box by hand")
    resolve(web, escalated, "escalated to the platform team, who fixed it")
    resolve(web, led, f"confirmed: {said}; fixed that")
    run_jobs()
    resolve(web, by_hand, "restarted the box by hand")  # a second resolve changes nothing
    run_jobs()

    levels = [
        (outcome_of(job_context, c.id).level, outcome_of(job_context, c.id).success)
        for c in (by_hand, escalated, led)
    ]
    assert levels == [("L3", True), ("escalated", False), ("L2", True)]
    signature = outcome_of(job_context, led.id).signature
    assert {outcome_of(job_context, c.id).signature for c in (by_hand, escalated)} == {signature}
    stats = job_context.learning.outcomes.stats(signature)  # type: ignore[union-attr]
    assert stats is not None
    assert (stats.occurrences, stats.l1, stats.l2, stats.l3, stats.escalated, stats.successes) == (
        3,
        0,
        1,
        1,
        1,
        2,
    )
    assert 0.0 < stats.success_low < 2 / 3 < stats.success_high < 1.0
    assert stats.median_resolution_s is not None and stats.mean_resolution_s is not None


def test_when_nothing_tells_one_question_is_asked_and_the_answer_sets_the_level(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    case = open_case(services, run_jobs, REDIS)
    resolve(web, case, "restarted the box by hand")
    run_jobs()
    resolve(web, case, "restarted the box by hand")  # a retried delivery: still one question
    run_jobs()

    [question] = [
        m for m in slack.thread("C111", case.root_ts or "") if m["text"] == f"How was {case.ref} resolved?"
    ]
    press(web, "fm_resolution_level_escalated", f"{case.id}:escalated", "W5", channel="C999")  # wrong channel
    run_jobs()
    assert outcome_of(job_context, case.id).level == "L3"
    press(web, "fm_resolution_level_escalated", f"{case.id}:escalated", "W5")
    run_jobs()

    after = outcome_of(job_context, case.id)
    assert (after.level, after.success, after.stated_level) == ("escalated", False, "escalated")
    stats = job_context.learning.outcomes.stats(after.signature)  # type: ignore[union-attr]
    assert stats is not None and (stats.escalated, stats.l3, stats.successes) == (1, 0, 0)
    shown = json.dumps(slack.messages[str(question["ts"])]["blocks"], ensure_ascii=False)
    assert "resolved with: *Escalated* (answered by <@W5>)" in shown


def test_no_question_when_suggested_runbooks_can_still_be_voted_on(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    case = open_case(services, run_jobs, REDIS)
    resolve(web, case, "restarted the box by hand")
    run_jobs()
    assert not [m for m in slack.thread("C111", case.root_ts or "") if m["text"].startswith("How was")]
