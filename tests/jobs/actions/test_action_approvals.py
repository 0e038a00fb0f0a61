"""Approval rules, enforced on the server: signed clicks through the real app and a real RQ worker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from rq.registry import ScheduledJobRegistry
from starlette.testclient import TestClient

from bot.services import Services
from jobs.actions.runtime import ActionRuntime
from jobs.actions.votes import expire_proposal, record_vote
from jobs.runtime import JobContext
from storage.audit import AuditLog
from tests.fakes.clock import MovableClock
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import (
    CHANNEL,
    blocks_of,
    click,
    deny_with_reason,
    ephemerals_to,
    open_case,
    outbox_keys,
    say,
    thread_texts,
)


def propose_restart(
    web: TestClient, services: Services, run_jobs: Callable[[], None], rt: ActionRuntime
) -> str:
    """`run restart_api checkout-7` (hard, two approvers under the test policy); returns the card's ts."""
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run restart_api checkout-7 replicas=3 because OOM loop after v42")
    run_jobs()
    proposal = rt.repo.get(1)
    assert proposal is not None and proposal.card_ts is not None
    return proposal.card_ts


def test_hard_action_needs_two_other_approvers_then_runs_once(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)

    card = blocks_of(slack, card_ts)
    assert "Approval needed" in card and "restart_api" in card and "`checkout-7`" in card
    assert "`replicas` = `3`" in card and "OOM loop after v42" in card and "<@W1>" in card
    assert "0 of 2" in card and "two-person-restart" in card and "Dry run" in card
    assert "fm_approval_approve" in card and "fm_approval_deny" in card and "fm_approval_info" in card

    click(web, "fm_approval_approve", "1", "W1", card_ts)  # the requester
    click(web, "fm_approval_approve", "1", "W2", card_ts)
    click(web, "fm_approval_approve", "1", "W2", card_ts)  # a double click
    run_jobs()

    assert any("someone else" in t or "own" in t for t in ephemerals_to(slack, "W1"))
    assert "1 of 2" in blocks_of(slack, card_ts) and action_runtime.repo.get(1).status == "pending"  # type: ignore[union-attr]
    assert [v.voter for v in action_runtime.repo.votes(1)] == ["W2"]
    assert action_runtime.repo.executions(1) == []

    click(web, "fm_approval_approve", "1", "W3", card_ts)
    run_jobs()

    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.status == "succeeded" and proposal.decided_by == "W3"
    [execution] = action_runtime.repo.executions(1)
    assert execution.dry_run and execution.ok and "Dry run" in execution.summary
    card = blocks_of(slack, card_ts)
    assert "fm_approval_approve" not in card and "<@W2>, <@W3>" in card
    texts = thread_texts(slack, proposal.thread_ts)
    assert sum("approved by <@W2>, <@W3>" in t for t in texts) == 1
    assert job_context.audit is not None
    kinds = [r.kind for r in job_context.audit.for_case(proposal.case_id)]
    assert kinds.index("action_proposed") < kinds.index("action_approved") < kinds.index("action_executed")
    assert kinds.count("action_vote") == 2 and "action_refused_vote" in kinds


def test_deny_ends_the_request_and_later_votes_are_refused_politely(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)

    click(web, "fm_approval_deny", "1", "W2", card_ts)
    run_jobs()
    assert action_runtime.repo.get(1).status == "pending", "the click only asks why"  # type: ignore[union-attr]
    deny_with_reason(web, slack, card_ts, "W2", "")
    run_jobs()
    click(web, "fm_approval_approve", "1", "W3", card_ts)
    run_jobs()

    assert action_runtime.repo.get(1).status == "denied"  # type: ignore[union-attr]
    assert "Denied by <@W2>" in blocks_of(slack, card_ts) and "fm_approval_approve" not in blocks_of(
        slack, card_ts
    )
    assert any("already been denied" in t for t in ephemerals_to(slack, "W3"))
    assert action_runtime.repo.executions(1) == []


def test_allow_list_refuses_outsiders_and_accepts_members_of_the_listed_group(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    slack.usergroups["S0SRE"] = ["W0SRE2"]
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run failover_db orders-db because primary unreachable")
    run_jobs()
    card_ts = action_runtime.repo.get(1).card_ts  # type: ignore[union-attr]
    assert card_ts is not None and "Who may approve" in blocks_of(slack, card_ts)

    click(web, "fm_approval_approve", "1", "W9", card_ts)
    run_jobs()
    assert any("W0SRE1" in t for t in ephemerals_to(slack, "W9"))
    assert action_runtime.repo.get(1).status == "pending"  # type: ignore[union-attr]

    click(web, "fm_approval_approve", "1", "W0SRE2", card_ts)
    run_jobs()
    assert action_runtime.repo.get(1).status == "succeeded"  # type: ignore[union-attr]


def test_unanswered_request_expires_on_schedule_and_late_votes_are_refused(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    clock: MovableClock,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)
    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.expires_at is not None

    scheduled = ScheduledJobRegistry(queue=services.queue.queue("high"))  # type: ignore[no-untyped-call]
    assert "expire_proposal-1" in scheduled.get_job_ids()
    assert (
        abs(
            scheduled.get_scheduled_time("expire_proposal-1").timestamp()
            - (clock.now + timedelta(seconds=300)).timestamp()
        )
        < 1
    )

    assert expire_proposal(1)["status"] == "not yet"  # woken early: nothing changes
    clock.advance(301)
    assert expire_proposal(1)["status"] == "expired"
    assert expire_proposal(1)["status"] == "nothing to expire"
    click(web, "fm_approval_approve", "1", "W2", card_ts)
    run_jobs()

    assert action_runtime.repo.get(1).status == "expired"  # type: ignore[union-attr]
    assert "Expired" in blocks_of(slack, card_ts) and "fm_approval_approve" not in blocks_of(slack, card_ts)
    assert any("expired" in t for t in ephemerals_to(slack, "W2"))
    assert sum("expired without a decision" in t for t in thread_texts(slack, proposal.thread_ts)) == 1


def test_two_approvers_clicking_at_the_same_moment_run_it_exactly_once(
    web: TestClient,
    services: Services,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)
    start = threading.Barrier(2)
    results: list[dict[str, object]] = []

    def vote(user: str) -> None:
        start.wait()
        results.append(record_vote(1, user, "approve", CHANNEL, card_ts))

    threads = [threading.Thread(target=vote, args=(u,)) for u in ("W2", "W3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_jobs()

    assert sorted(v.voter for v in action_runtime.repo.votes(1)) == ["W2", "W3"]
    assert [r["status"] for r in results].count("approved") == 1
    assert action_runtime.repo.get(1).status == "succeeded"  # type: ignore[union-attr]
    assert len(action_runtime.repo.executions(1)) == 1


def test_a_vote_and_the_expiry_racing_leave_one_consistent_outcome(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    clock: MovableClock,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)
    click(web, "fm_approval_approve", "1", "W2", card_ts)
    run_jobs()
    # Both transitions are conditional on "pending": whichever lands second changes nothing.
    assert action_runtime.repo.transition(1, ("pending",), "expired", by="timeout")
    assert not action_runtime.repo.transition(1, ("pending",), "approved", by="W3")

    result = record_vote(1, "W3", "approve", CHANNEL, card_ts)  # the vote that lost the race

    assert result["status"] == "refused" and action_runtime.repo.get(1).status == "expired"  # type: ignore[union-attr]
    assert action_runtime.repo.executions(1) == []
    clock.advance(400)
    assert expire_proposal(1)["status"] == "nothing to expire"


def test_forged_clicks_are_refused_and_record_nothing(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)
    other_root = open_case(services, run_jobs, "payments api 502s from the ingress", key="b")

    click(web, "fm_approval_approve", "999", "W2", card_ts)  # no such request
    click(web, "fm_approval_approve", "1", "W3", other_root)  # request 1, clicked on another case's message
    click(web, "fm_approval_approve", "1", "W4", card_ts, channel="C999")  # from another channel
    # Malformed ids are refused at the edge with a reason (400); no job is queued for them.
    for malformed in ("not-a-number", "²", "99999999999999999999", "7" * 5000, "-1", "0"):
        click(web, "fm_approval_approve", malformed, "W5", card_ts, expect=400)
    run_jobs()

    assert action_runtime.repo.votes(1) == []
    assert action_runtime.repo.get(1).status == "pending"  # type: ignore[union-attr]
    assert not any(key.startswith("record_vote:") and ":W5:" in key for key in outbox_keys(services))
    for user in ("W2", "W3", "W4"):
        assert any("not valid" in t or "does not match" in t for t in ephemerals_to(slack, user)), user


def test_forbidden_actions_show_why_and_never_run(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run drop_table orders-db")
    run_jobs()

    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.status == "forbidden" and proposal.card_ts is not None
    assert "Forbidden" in blocks_of(slack, proposal.card_ts) and "fm_approval_approve" not in blocks_of(
        slack, proposal.card_ts
    )
    assert action_runtime.repo.executions(1) == []
    assert isinstance(job_context.audit, AuditLog)
    assert "action_forbidden" in [r.kind for r in job_context.audit.for_case(proposal.case_id)]


def test_deny_reason_is_recorded_on_the_vote_and_shown_in_the_thread_escaped(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    card_ts = propose_restart(web, services, run_jobs, action_runtime)
    proposal = action_runtime.repo.get(1)
    assert proposal is not None

    deny_with_reason(web, slack, card_ts, "W2", "not during the <!channel> freeze & the bridge is on it")
    run_jobs()

    assert action_runtime.repo.get(1).status == "denied"  # type: ignore[union-attr]
    votes = action_runtime.repo.votes(1)
    assert [(v.voter, v.kind, v.reason) for v in votes] == [
        ("W2", "deny", "not during the <!channel> freeze & the bridge is on it")
    ]
    said = [t for t in thread_texts(slack, proposal.thread_ts) if "denied request #1" in t]
    assert said == [
        "⛔ <@W2> denied request #1 (restart_api on checkout-7); it will not run. "
        "Reason: “not during the &lt;!channel&gt; freeze &amp; the bridge is on it”"
    ]
    card = blocks_of(slack, card_ts)
    assert "Denied by <@W2>: “not during the &lt;!channel&gt; freeze &amp; the bridge is on it”" in card
    assert job_context.audit is not None
    denied = [r for r in job_context.audit.for_case(proposal.case_id) if r.kind == "action_denied"]
    assert len(denied) == 1 and denied[0].data["reason"].startswith("not during the <!channel>")
