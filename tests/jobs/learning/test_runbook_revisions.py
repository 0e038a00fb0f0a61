"""The learning loop closed through the real app and an RQ worker: a runbook voted ❌ on a case resolved
another way gets a v2 (classified, drafted, diffed, reviewed); approved, v2 replaces v1 in search and
ranks first for the same problem; five ✅ on v2 then promote it to a known fix that answers first."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.ids import Ids
from bot.services import Services
from engine.runbooks.models import RunbookStatus
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.actions import ActionRepository, NewExecution, NewProposal
from storage.db import make_session_factory
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.learning.test_known_fixes import (
    REDIS,
    REDIS_AGAIN,
    cards,
    redis_runbook,
    resolve_with_runbook,
    shown,
)
from tests.jobs.runbooks.runbook_helpers import opened_view, press, slash, submit
from tests.jobs.runbooks.test_runbook_feedback import vote

# What the shipped Redis runbook does not say: the fix people found after it failed.
OTHER_FIX = (
    "root cause: a replica full resync grew the <replica> output buffers past maxmemory; "
    "fix: set client-output-buffer-limit replica 256mb 64mb 60 on cache-01"
)


def revision_cards(slack: FakeSlackApi) -> list[dict[str, Any]]:
    return [
        m for m in slack.messages.values() if Ids.RUNBOOK_REVISION.value in json.dumps(m.get("blocks", []))
    ]


def fail_then_fix(web: TestClient, services: Services, run_jobs: Callable[[], None], runbook_id: int) -> int:
    """A Redis OOM case where the suggested runbook is voted ❌ and the case is fixed another way."""
    case = open_case(services, run_jobs, REDIS)
    resolve(web, case, OTHER_FIX)
    run_jobs()
    vote(web, "fm_runbook_failed", f"{case.id}:{runbook_id}", "W1")
    run_jobs()
    return case.id


def test_failed_runbook_gets_a_reviewed_v2_that_ranks_first_then_is_promoted_to_a_known_fix(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    v1 = redis_runbook(runbook_library)
    failed_case = fail_then_fix(web, services, run_jobs, v1)

    # fail → v2: classified, drafted from the failure and the fix, linked to its parent, on a card.
    [card] = revision_cards(slack)
    text = shown(slack, card)
    assert f"Why RB-{v1:04d} v1 failed on FM-{failed_case}:* runbook insufficient" in text
    assert "❌ 1 · ✅ 0" in text
    assert "+set client-output-buffer-limit replica 256mb 64mb 60 on cache-01" in text
    assert "&lt;replica&gt;" in text and "<replica>" not in text, "case text is escaped in the diff"
    v2 = runbook_library.get(runbook_library.repo.find((RunbookStatus.PENDING_REVIEW.value,))[-1].id)
    assert v2 is not None and (v2.parent_id, v2.version) == (v1, 2)

    # The review queue carries the same context; the parent stays searchable until approval.
    slash(web, "runbook review", "W9")
    run_jobs()
    queue = json.dumps(slack.calls_to("chat.postEphemeral")[-1].params["blocks"], ensure_ascii=False)
    assert (
        "Next versions of failed runbooks waiting for review (1)" in queue and "runbook insufficient" in queue
    )

    # → approved: v2 is active, v1 retired (kept for history), search returns v2 and never v1.
    press(web, Ids.RUNBOOK_APPROVE_BUTTON, str(v2.id), "W9")
    run_jobs()
    assert "✅ Approved by <@W9>" in shown(slack, card) and f"RB-{v1:04d} was retired" in shown(slack, card)
    old, new = runbook_library.get(v1), runbook_library.get(v2.id)
    assert old is not None and new is not None
    assert (old.status, new.status) == (RunbookStatus.RETIRED, RunbookStatus.ACTIVE)
    found = [r.runbook.id for r in runbook_library.search(REDIS, k=10)]
    assert found[0] == v2.id and v1 not in found

    # → ranks first for the same problem on a new case; `runbook show` tells the lineage.
    assert job_context.learning is not None
    again = open_case(services, run_jobs, REDIS_AGAIN)
    assert job_context.learning.facts.runbooks(again.id)[0].runbook_id == v2.id
    slash(web, f"runbook show {new.ref}", "W3")
    history = json.dumps(opened_view(slack)["blocks"], ensure_ascii=False)
    assert f"RB-{v1:04d} v1 → {new.ref} v2" in history
    assert (
        "approved by <@W9>" in history
        and f"drafted after runbook insufficient on FM-{failed_case}" in history
    )

    # repeat → promote → known fix first: v2 resolves the problem five times.
    resolve(web, again, "raised maxmemory to 4gb and set allkeys-lru")
    run_jobs()
    vote(web, "fm_runbook_worked", f"{again.id}:{v2.id}", "W1")
    run_jobs()
    for _ in range(4):
        resolve_with_runbook(web, services, v2.id, run_jobs, worked=True)
    [promotion] = cards(slack)
    assert f"Follow {new.ref}" in shown(slack, promotion) and "resolved 5/5 times" in shown(slack, promotion)
    press(web, Ids.KNOWN_FIX_APPROVE_BUTTON, "1", "W9")
    submit(web, opened_view(slack), {Ids.KNOWN_FIX_NAME: "Redis memory v2", Ids.KNOWN_FIX_NOTES: ""}, "W9")
    run_jobs()
    latest = services.cases.get(open_case(services, run_jobs, REDIS_AGAIN).id)
    assert latest is not None and latest.progress_ts is not None
    answer = json.dumps(slack.messages[latest.progress_ts]["blocks"], ensure_ascii=False)
    assert "Known fix (resolved 5/5 times): Redis memory v2" in answer

    assert job_context.audit is not None
    kinds = [r.kind for r in job_context.audit.for_case(failed_case)]
    assert "runbook_failure_classified" in kinds and "runbook_revision_drafted" in kinds
    assert "runbook_retired" in kinds


def test_rejected_v2_records_the_reason_and_the_parent_stays_active(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    v1 = redis_runbook(runbook_library)
    failed_case = fail_then_fix(web, services, run_jobs, v1)
    [card] = revision_cards(slack)
    v2 = runbook_library.repo.find((RunbookStatus.PENDING_REVIEW.value,))[-1].id

    # A reviewer's edit redraws the card's diff (and, as for any draft, the editor may not approve it).
    press(web, Ids.RUNBOOK_EDIT_BUTTON, str(v2), "W5")
    edit = opened_view(slack)
    solution = next(b for b in edit["blocks"] if b["block_id"] == Ids.RUNBOOK_EDIT_SOLUTION)
    edited = solution["element"]["initial_value"] + "\nThen check INFO replication on cache-01."
    submit(web, edit, {Ids.RUNBOOK_EDIT_SOLUTION: edited}, "W5", view_id="V0REV1")
    run_jobs()
    assert "+Then check INFO replication on cache-01." in shown(slack, card)

    press(web, Ids.RUNBOOK_REVISION_REJECT_BUTTON, str(v2), "W9")
    submit(web, opened_view(slack), {Ids.RUNBOOK_REVISION_REASON: "one <odd> replica, not the norm"}, "W9")
    run_jobs()
    assert "Rejected by <@W9>: one &lt;odd&gt; replica, not the norm" in shown(slack, card)
    old, new = runbook_library.get(v1), runbook_library.get(v2)
    assert old is not None and new is not None
    assert (old.status, new.status) == (RunbookStatus.ACTIVE, RunbookStatus.ARCHIVED)
    found = [r.runbook.id for r in runbook_library.search(REDIS, k=10)]
    assert v1 in found and v2 not in found
    assert job_context.audit is not None
    rejected = [r for r in job_context.audit.for_case(failed_case) if r.kind == "runbook_revision_rejected"]
    assert len(rejected) == 1 and "one <odd> replica" in json.dumps(rejected[0].data)

    # The same case's outcome re-derived again (another vote) classifies nothing twice.
    vote(web, "fm_runbook_failed", f"{failed_case}:{v1}", "W2")
    run_jobs()
    assert len(revision_cards(slack)) == 1


def test_an_action_taken_from_a_runbook_that_did_not_fix_it_starts_the_same_revision(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    v1 = redis_runbook(runbook_library)
    case = open_case(services, run_jobs, REDIS)
    # What an approved run of one of the runbook's commands leaves behind when "did it fix it?" says no.
    actions = ActionRepository(make_session_factory(services.db))
    ran, _ = actions.create(
        NewProposal(
            dedupe_key="from-runbook",
            case_id=case.id,
            action="set eviction policy",
            target="cache-01",
            risk="medium",
            requester="W1",
            level="soft",
            quorum="1",
            rule="test",
            critical=False,
            timeout_seconds=600,
            undo_seconds=0,
            status="succeeded",
            channel_id=case.channel_id,
            thread_ts=case.root_ts or "",
            command="redis-cli -h cache-01 CONFIG SET maxmemory-policy allkeys-lru",
        )
    )
    actions.record_execution(NewExecution(ran.id, "run-1", "execute", "local", False, True, "ran"))
    actions.set_fields(ran.id, verified="not_fixed")

    resolve(web, case, OTHER_FIX)
    run_jobs()

    [card] = revision_cards(slack)
    assert f"Why RB-{v1:04d} v1 failed on {case.ref}:* runbook insufficient" in shown(slack, card)
    assert "❌ 0 · ✅ 0" in shown(slack, card), "no vote: the failed action was enough"
