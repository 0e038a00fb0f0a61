"""Typed proposals: a credential among the parameters is refused before anything is recorded."""

from __future__ import annotations

from engine.actions.credentials import CREDENTIALS_HINT
from handlers.approval_payloads import ProposalCommand, parse_parameter_lines, parse_run


def test_run_with_a_password_parameter_is_refused_with_the_hint() -> None:
    refused = parse_run("restart_service checkout password=hunter2hunter2 because stuck")

    assert isinstance(refused, str) and "`password`" in refused and CREDENTIALS_HINT in refused
    assert "hunter2" not in refused


def test_run_with_ordinary_parameters_is_a_proposal() -> None:
    parsed = parse_run("restart_service checkout replicas=3 because stuck")

    assert isinstance(parsed, ProposalCommand) and parsed.parameters == {"replicas": "3"}


def test_modal_parameters_with_a_token_line_are_refused() -> None:
    refused = parse_parameter_lines("replicas=3\napi_token=abc123def456")

    assert isinstance(refused, str) and "`api_token`" in refused
    assert parse_parameter_lines("replicas=3") == {"replicas": "3"}
