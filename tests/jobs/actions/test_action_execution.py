"""Execution: the signed webhook and local command executors, verification, Undo and Roll back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rq.registry import ScheduledJobRegistry
from starlette.testclient import TestClient

from bot.services import Services
from engine.models import Diagnosis
from jobs.actions.execution import execute_action
from jobs.actions.runtime import ActionRuntime
from tests.fakes.automation_receiver import AutomationReceiver
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.actions.action_helpers import blocks_of, click, ephemerals_to, open_case, say
from tests.jobs.actions.test_action_forms import every_parameter, opened_view, submit


def approve(web: TestClient, rt: ActionRuntime, proposal_id: int, *users: str) -> None:
    row = rt.repo.get(proposal_id)
    assert row is not None and row.card_ts is not None
    for user in users:
        click(web, "fm_approval_approve", str(proposal_id), user, row.card_ts)


def test_approved_action_runs_through_the_signed_webhook_once_then_rolls_back(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    live_actions: ActionRuntime,
    automation: AutomationReceiver,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run restart_api checkout-7 because OOM loop")
    run_jobs()
    approve(web, live_actions, 1, "W2", "W3")
    run_jobs()

    [delivery] = automation.deliveries
    assert delivery.signature_ok and delivery.idempotency_key == "fm-1-execute"
    assert delivery.body["action"] == "restart_api" and delivery.body["target"] == "checkout-7"
    assert sorted(delivery.body["approved_by"]) == ["W2", "W3"] and delivery.body["dry_run"] is False
    proposal = live_actions.repo.get(1)
    assert proposal is not None and proposal.status == "succeeded" and proposal.result_ts is not None
    [execution] = live_actions.repo.executions(1)
    assert execution.executor == "webhook" and execution.ok and execution.status_code == 200
    result = blocks_of(slack, proposal.result_ts)
    assert "Did it fix it?" in result and "fm_action_fixed" in result

    click(web, "fm_action_fixed", "1", "W2", proposal.result_ts)
    run_jobs()
    assert live_actions.repo.get(1).verified == "fixed"  # type: ignore[union-attr]
    assert "Confirmed fixed" in blocks_of(slack, proposal.result_ts)

    # No rollback was given for restart_api: Roll back is refused rather than guessed.
    click(web, "fm_action_rollback", "1", "W2", proposal.result_ts)
    run_jobs()
    assert any("nothing to roll back" in t for t in ephemerals_to(slack, "W2"))
    assert len(automation.executed()) == 1
    assert services.cases.unclaimed_jobs(older_than=timedelta(0)) == []  # every click's outbox row was taken


def test_command_template_runs_verifies_and_rolls_back_under_the_policy(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    live_actions: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run echo_restart checkout-7 service=checkout")
    run_jobs()
    approve(web, live_actions, 1, "W2", "W3")
    run_jobs()

    proposal = live_actions.repo.get(1)
    assert proposal is not None and proposal.status == "succeeded" and proposal.verified == "check_passed"
    [execution] = live_actions.repo.executions(1)
    assert execution.executor == "local" and "restarted checkout" in execution.output
    assert proposal.result_ts is not None
    result = blocks_of(slack, proposal.result_ts)
    assert "Verification check passed" in result and "fm_action_rollback" in result

    click(web, "fm_action_rollback", "1", "W4", proposal.result_ts)
    run_jobs()
    rollback = live_actions.repo.get(2)
    assert rollback is not None and rollback.purpose == "rollback" and rollback.parent_id == 1
    assert rollback.status == "pending" and rollback.level == "hard"  # a rollback is itself under the policy
    approve(web, live_actions, 2, "W2")
    run_jobs()

    [undo] = live_actions.repo.executions(2)
    assert undo.ok and "rolled back checkout" in undo.output
    assert live_actions.repo.get(1).status == "undone"  # type: ignore[union-attr]
    assert "Rolled back" in blocks_of(slack, proposal.result_ts)
    assert "fm_action_rollback" not in blocks_of(slack, proposal.result_ts)


def test_bad_parameters_run_nothing_and_say_why(
    web: TestClient,
    services: Services,
    live_actions: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, 'run echo_restart checkout-7 "service=x; rm -rf /"')
    run_jobs()
    approve(web, live_actions, 1, "W2", "W3")
    run_jobs()

    [execution] = live_actions.repo.executions(1)
    assert not execution.ok and "service" in execution.summary and execution.output == ""
    assert live_actions.repo.get(1).status == "failed"  # type: ignore[union-attr]


def test_an_automation_outage_is_retried_with_backoff_and_runs_once(
    web: TestClient,
    services: Services,
    live_actions: ActionRuntime,
    automation: AutomationReceiver,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run restart_api checkout-7")
    run_jobs()
    automation.fail_next(1)
    approve(web, live_actions, 1, "W2", "W3")
    run_jobs()

    assert live_actions.repo.get(1).status == "running"  # type: ignore[union-attr]
    assert "execute_action-1-1" in ScheduledJobRegistry(queue=services.queue.queue("default")).get_job_ids()  # type: ignore[no-untyped-call]
    assert execute_action(1, 1)["status"] == "succeeded"
    assert execute_action(1, 1)["status"] == "not runnable (succeeded)"  # a duplicate delivery
    assert [d.idempotency_key for d in automation.deliveries] == ["fm-1-execute", "fm-1-execute"]
    assert len(automation.executed()) == 1 and len(live_actions.repo.executions(1)) == 1


def test_soft_action_runs_at_once_with_an_undo_window_and_none_just_runs(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    root_ts = open_case(services, run_jobs)
    say(web, root_ts, "run flush_cache cache-01 because stale sessions")
    say(web, root_ts, "run check_disk cache-01")
    run_jobs()

    soft, none = action_runtime.repo.get(1), action_runtime.repo.get(2)
    assert soft is not None and soft.level == "soft" and soft.status == "succeeded" and soft.result_ts
    assert none is not None and none.level == "none" and none.status == "succeeded"
    assert action_runtime.repo.votes(1) == [] and action_runtime.repo.votes(2) == []


def test_run_button_proposes_the_recommended_action_from_the_stored_diagnosis(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    open_case(services, run_jobs)
    case = services.cases.get(1)
    assert case is not None and case.progress_ts is not None and case.diagnosis_json is not None
    action = Diagnosis.model_validate_json(case.diagnosis_json).recommended_actions[0]
    buttons = [
        b["accessory"]
        for b in slack.messages[case.progress_ts]["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "fm_action_run"
    ]
    assert buttons and buttons[0]["value"] == f"1:{action.key}"

    click(web, "fm_action_run", buttons[0]["value"], "W2", case.progress_ts)
    first = opened_view(slack)
    click(web, "fm_action_run", buttons[0]["value"], "W3", case.progress_ts)  # someone else, same action
    second = opened_view(slack)
    click(web, "fm_action_run", "1:0000deadbeef", "W4", case.progress_ts)  # not in the diagnosis
    assert submit(web, first, {"fm_run_params": every_parameter(first)}, view_id="V1") == {}
    assert submit(web, second, {"fm_run_params": every_parameter(second)}, view_id="V2") == {}
    run_jobs()

    proposal = action_runtime.repo.get(1)
    assert proposal is not None and proposal.action == action.title and proposal.risk == action.risk.value
    assert proposal.requester == "W7" and "<" not in proposal.command
    assert action_runtime.repo.get(2) is None
    assert any("no longer in the latest diagnosis" in t for t in ephemerals_to(slack, "W4"))
    assert any("already requested" in t for t in ephemerals_to(slack, "W7"))
    assert "<" not in proposal.target
