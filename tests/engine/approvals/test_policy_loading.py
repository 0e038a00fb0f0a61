from __future__ import annotations

from pathlib import Path

import pytest

from engine.approvals.policy import ApprovalLevel, PolicyError
from engine.approvals.policy_file import load_policy
from engine.errors import ConfigurationError
from engine.models import RiskLevel

GOOD = """
critical_targets: ["*prod*db*"]
rules:
  - name: restarts
    actions: ["*restart*"]
    level: soft
commands:
  hello:
    argv: ["echo", "hello {who}"]
    params: {who: {type: string, pattern: "[a-z]+"}}
    verify: hello_check
  hello_check:
    argv: ["echo", "checked {who}"]
    params: {who: {type: enum, choices: [world, team]}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")  # every problem names the file
    return message


def test_a_valid_file_loads_with_its_rules_and_templates(tmp_path) -> None:
    p = load_policy(write(tmp_path, GOOD))

    assert p.decide("Restart api", "api", RiskLevel.HIGH).level is ApprovalLevel.SOFT
    assert p.decide("Restart api", "orders-prod-db", RiskLevel.HIGH).level is ApprovalLevel.HARD
    assert p.commands["hello"].verify == "hello_check"


def test_policy_error_is_a_configuration_error() -> None:
    assert issubclass(PolicyError, ConfigurationError)


def test_no_path_loads_the_shipped_default() -> None:
    assert load_policy().rules


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "rules:\n- {name: a, actions: [x], level: hard}\n- {name: b, actions: [y], level: soft}\n"
            "- {name: c, actions: [z], level: maybe}\n",
            "policy.yaml: rules[2].level: must be one of none, soft, hard, forbidden",
        ),
        ("rules:\n- {name: a, actions: [x]}\n", "policy.yaml: rules[0].level: required"),
        (
            "rules:\n- {name: a, actions: [], level: hard}\n",
            "policy.yaml: rules[0].actions: must not be empty",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, quorum: three}\n",
            "rules[0].quorum: must be one of ",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, timeout_seconds: 5}\n",
            "policy.yaml: rules[0].timeout_seconds: must be at least 30",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, timeout_seconds: 999999}\n",
            "policy.yaml: rules[0].timeout_seconds: must be at most 86400",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, risks: [severe]}\n",
            "policy.yaml: rules[0].risks[0]: must be one of low, medium, high, critical",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, approvers: [alice]}\n",
            "policy.yaml: rules[0].approvers[0]: must be a Slack user id (U…/W…) or user group id (S…),"
            " got 'alice'",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard, quorum: require_two, approvers: [U0ONLY]}\n",
            "policy.yaml: rules[0]: quorum require_two needs 2 approvers; only 1 listed",
        ),
        (
            "rules:\n- {name: a, actions: [x], level: hard}\n- {name: a, actions: [y], level: soft}\n",
            "policy.yaml: rules[1].name: 'a' is used by an earlier rule",
        ),
        (
            "risk_defaults:\n  severe: {level: hard}\n",
            "policy.yaml: risk_defaults.severe: must be one of low,",
        ),
    ],
)
def test_rule_problems_name_the_field_path(tmp_path, text, problem) -> None:
    assert problem in load_error(tmp_path, text)


def test_an_invalid_regex_is_reported_with_its_position(tmp_path) -> None:
    message = load_error(tmp_path, "critical_targets: ['*prod*', 're:(pg|mysql']\n")

    assert "policy.yaml: critical_targets[1]: invalid regex '(pg|mysql': missing )" in message


def test_an_invalid_regex_in_a_rule_target_is_reported(tmp_path) -> None:
    message = load_error(tmp_path, "rules:\n- {name: a, actions: [x], targets: ['re:[a-'], level: hard}\n")

    assert "policy.yaml: rules[0].targets[0]: invalid regex '[a-'" in message


def test_unknown_keys_are_refused_wherever_they_are(tmp_path) -> None:
    message = load_error(
        tmp_path,
        "rule: []\nrules:\n- {name: a, actions: [x], levle: hard}\n"
        "commands:\n  t: {argv: [echo], shell: true}\n",
    )

    assert "policy.yaml: rule: unknown key" in message
    assert "policy.yaml: rules[0].levle: unknown key" in message
    assert "policy.yaml: commands.t.shell: unknown key" in message


@pytest.mark.parametrize(
    ("commands", "problem"),
    [
        (
            "  a: {argv: [echo, '{x}'], params: {x: {}}, rollback: undo_a}\n",
            "policy.yaml: commands.a.rollback: unknown command template 'undo_a' (known: a)",
        ),
        (
            "  a: {argv: [echo, '{x}'], params: {x: {}}, verify: check_a}\n",
            "policy.yaml: commands.a.verify: unknown command template 'check_a' (known: a)",
        ),
        (
            "  a: {argv: [echo, 'hi {who}']}\n",
            "policy.yaml: commands.a.argv[1]: placeholder {who} is not declared",
        ),
        (
            "  a: {argv: [echo], params: {who: {}}}\n",
            "policy.yaml: commands.a.params: who declared but not used",
        ),
        (
            "  a: {argv: ['{prog}'], params: {prog: {}}}\n",
            "policy.yaml: commands.a.argv[0]: the program must be fixed",
        ),
        ("  a: {argv: [echo, '{x']}\n", "policy.yaml: commands.a.argv[1]: '{x' has a brace"),
        ("  a: {argv: []}\n", "policy.yaml: commands.a.argv: must not be empty"),
        (
            "  a: {argv: [echo, '{x}'], params: {x: {type: float}}}\n",
            "policy.yaml: commands.a.params.x.type: must be one of string, int, enum",
        ),
        (
            "  a: {argv: [echo, '{x}'], params: {x: {type: enum}}}\n",
            "policy.yaml: commands.a.params.x: an enum parameter needs a non-empty `choices` list",
        ),
        (
            "  a: {argv: [echo, '{x}'], params: {x: {pattern: '(['}}}\n",
            "policy.yaml: commands.a.params.x.pattern: invalid regex '(['",
        ),
        (
            "  a: {argv: [echo, '{x}'], params: {x: {type: int, min: 5, max: 1}}}\n",
            "policy.yaml: commands.a.params.x: `min` is greater than `max`",
        ),
        (
            "  a: {argv: [echo], verify: b}\n  b: {argv: [echo, '{y}'], params: {y: {}}}\n",
            "policy.yaml: commands.a.verify: template 'b' needs parameters a lacks: y",
        ),
        (
            "  'bad name': {argv: [echo]}\n",
            "policy.yaml: commands.bad name: template name 'bad name' may only use",
        ),
    ],
)
def test_command_template_problems_name_the_template_and_field(tmp_path, commands, problem) -> None:
    assert problem in load_error(tmp_path, "commands:\n" + commands)


def test_a_yaml_syntax_error_gives_the_line(tmp_path) -> None:
    message = load_error(tmp_path, "rules:\n  - name: a\n    actions: [x\n  level: hard\n")

    assert "policy.yaml: line 4, column 8: YAML syntax error:" in message


def test_every_problem_is_reported_one_per_line(tmp_path) -> None:
    message = load_error(
        tmp_path, "rules:\n- {name: a, actions: [x]}\n- {name: b, actions: [y], level: nope}\n"
    )

    assert message.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the policy file is empty"),
        ("- just\n- a list\n", "the top level must be a mapping"),
        ("rules: {name: a}\n", "rules: must be a list"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(tmp_path, text, problem) -> None:
    assert problem in load_error(tmp_path, text)


def test_a_missing_file_is_a_policy_error_naming_it(tmp_path) -> None:
    with pytest.raises(PolicyError, match=r"nowhere\.yaml: policy file not found"):
        load_policy(tmp_path / "nowhere.yaml")
