from __future__ import annotations

from pathlib import Path

import pytest

from engine.actions.executors import (
    OUTPUT_LIMIT,
    ExecutionRequest,
    ExecutorChain,
    WebhookExecutor,
    follow_up_request,
)
from engine.actions.local_commands import LocalCommandExecutor
from engine.approvals.policy_file import load_policy
from engine.approvals.templates import CommandTemplate


def request(action: str, parameters: dict[str, str], **changes: object) -> ExecutionRequest:
    fields: dict[str, object] = {
        "proposal_id": 3,
        "idempotency_key": "proposal-3-execute",
        "case_ref": "FM-4",
        "action": action,
        "target": "payments",
        "parameters": parameters,
        "requested_by": "U0REQ",
        "approved_by": ["U0AAA"],
        "dry_run": False,
    }
    return ExecutionRequest.model_validate(fields | changes)


@pytest.fixture
def shipped() -> LocalCommandExecutor:
    return LocalCommandExecutor(load_policy().commands)


def touch_executor(folder: Path) -> LocalCommandExecutor:
    """A template that leaves a file behind when (and only when) it really runs."""
    return LocalCommandExecutor(
        {
            "make_marker": CommandTemplate.model_validate(
                {"argv": ["touch", f"{folder}/made-{{name}}"], "params": {"name": {"pattern": "[a-z]+"}}}
            )
        }
    )


def test_shipped_echo_template_really_runs_and_records_its_output(shipped) -> None:
    result = shipped.execute(request("echo_restart", {"service": "payments"}))

    assert result.ok and not result.dry_run and result.executor == "local"
    assert result.output == "restarted payments\n"
    assert result.summary == "Ran `echo 'restarted payments'` (exit 0)"
    assert result.details == {
        "template": "echo_restart",
        "argv": "echo 'restarted payments'",
        "exit_code": "0",
    }


def test_rollback_and_verify_run_the_templates_the_action_names(shipped) -> None:
    executed = request("echo_restart", {"service": "payments"})

    rollback = shipped.execute(follow_up_request(executed, "rollback"))
    verify = shipped.execute(follow_up_request(executed, "verify"))

    assert rollback.ok and rollback.output == "rolled back payments\n"
    assert rollback.details["template"] == "echo_rollback"
    assert verify.ok and verify.output == "payments is healthy\n"
    assert shipped.template_for("echo_restart", "verify") == "echo_verify"


def test_an_action_without_a_rollback_template_says_so_and_runs_nothing(shipped) -> None:
    result = shipped.execute(request("echo_verify", {"service": "payments"}, purpose="rollback"))

    assert not result.ok
    assert result.summary == "Not run: echo_verify has no rollback command defined"
    assert shipped.template_for("echo_verify", "rollback") is None


def test_shell_metacharacters_in_a_parameter_are_refused_and_nothing_runs(tmp_path) -> None:
    executor = touch_executor(tmp_path)

    result = executor.execute(request("make_marker", {"name": "a; rm -rf /"}))

    assert not result.ok
    assert (
        result.summary
        == "Not run: parameter name has characters this command does not accept (got 'a; rm -rf /')"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_shipped_templates_refuse_shell_text_too(shipped) -> None:
    result = shipped.execute(request("echo_restart", {"service": "payments; rm -rf /"}))

    assert not result.ok and "parameter service" in result.summary and result.output == ""


def test_dry_run_runs_nothing_and_shows_the_exact_argv(tmp_path) -> None:
    executor = touch_executor(tmp_path)

    result = executor.execute(request("make_marker", {"name": "x"}, dry_run=True))

    assert result.ok and result.dry_run
    assert result.summary == f"Dry run: would run `touch {tmp_path}/made-x`"
    assert not (tmp_path / "made-x").exists()


def test_the_same_request_run_for_real_does_create_the_file(tmp_path) -> None:
    result = touch_executor(tmp_path).execute(request("make_marker", {"name": "x"}))

    assert result.ok and (tmp_path / "made-x").exists()


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ({}, "missing parameter service (this command takes: service)"),
        ({"service": "a", "extra": "b"}, "unexpected parameter extra (this command takes: service)"),
        ({"service": "-rf"}, "parameter service has characters this command does not accept (got '-rf')"),
    ],
)
def test_missing_extra_or_invalid_parameters_are_refused_with_a_reason(shipped, parameters, reason) -> None:
    result = shipped.execute(request("echo_restart", parameters))

    assert not result.ok and result.summary == f"Not run: {reason}"


def typed_executor() -> LocalCommandExecutor:
    template = CommandTemplate.model_validate(
        {
            "argv": ["echo", "--replicas={replicas}", "{mode}", "{name}", "{{literal}}"],
            "params": {
                "replicas": {"type": "int", "min": 0, "max": 20},
                "mode": {"type": "enum", "choices": ["fast", "safe"]},
                "name": {},
            },
        }
    )
    return LocalCommandExecutor({"typed": template})


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ({"replicas": "3; ls", "mode": "fast", "name": "a"}, "parameter replicas must be a whole number"),
        ({"replicas": "21", "mode": "fast", "name": "a"}, "parameter replicas must be at most 20 (got 21)"),
        ({"replicas": "-1", "mode": "fast", "name": "a"}, "parameter replicas must be at least 0 (got -1)"),
        (
            {"replicas": "2", "mode": "yolo", "name": "a"},
            "parameter mode must be one of fast, safe (got 'yolo')",
        ),
        ({"replicas": "2", "mode": "fast", "name": "a b"}, "parameter name has characters"),
        ({"replicas": "2", "mode": "fast", "name": "$(id)"}, "parameter name has characters"),
        ({"replicas": "2", "mode": "fast", "name": "x" * 300}, "longer than 256 characters"),
    ],
)
def test_each_parameter_is_checked_by_its_type_before_anything_runs(parameters, reason) -> None:
    result = typed_executor().execute(request("typed", parameters))

    assert not result.ok and reason in result.summary


def test_typed_values_are_placed_inside_their_argv_tokens_only() -> None:
    result = typed_executor().execute(request("typed", {"replicas": "007", "mode": "safe", "name": "api-1"}))

    assert result.ok
    assert result.output == "--replicas=7 safe api-1 {literal}\n"


def test_a_failing_command_is_a_failed_result_with_its_exit_code() -> None:
    executor = LocalCommandExecutor({"fail": CommandTemplate(argv=["false"])})

    result = executor.execute(request("fail", {}))

    assert not result.ok and result.summary == "`false` failed with exit code 1"
    assert result.details["exit_code"] == "1"


def test_a_program_missing_on_the_worker_is_a_failed_result() -> None:
    executor = LocalCommandExecutor({"ghost": CommandTemplate(argv=["faultmaven-no-such-program"])})

    result = executor.execute(request("ghost", {}))

    assert (
        not result.ok
        and result.summary == "Not run: faultmaven-no-such-program is not installed on the worker"
    )


def test_long_output_is_truncated_to_its_end() -> None:
    template = CommandTemplate.model_validate({"argv": ["seq", "1", "{n}"], "params": {"n": {"type": "int"}}})

    result = LocalCommandExecutor({"count": template}).execute(request("count", {"n": "5000"}))

    assert result.ok and len(result.output) <= OUTPUT_LIMIT + 20
    assert result.output.startswith("…(truncated)") and result.output.endswith("4999\n5000\n")


def test_a_command_over_its_time_limit_is_stopped() -> None:
    template = CommandTemplate(argv=["sleep", "30"], timeout_seconds=1)

    result = LocalCommandExecutor({"slow": template}).execute(request("slow", {}))

    assert not result.ok and result.summary == "`sleep 30` did not finish within 1 s and was stopped"


def test_chain_picks_local_templates_first_and_the_webhook_for_everything_else(
    shipped: LocalCommandExecutor,
) -> None:
    webhook = WebhookExecutor("https://automation.example/hook", "secret")
    chain = ExecutorChain([shipped, webhook])

    assert chain.pick(request("echo_restart", {"service": "a"})) is shipped
    assert chain.pick(request("Restart payments", {})) is webhook
    assert ExecutorChain([shipped]).pick(request("Restart payments", {})) is None
