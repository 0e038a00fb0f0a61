"""Reading a policy file: YAML parsed and validated, with errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.approvals.messages import describe_validation_error
from engine.approvals.policy import DEFAULT_POLICY_PATH, ApprovalPolicy, PolicyError


def load_policy(path: Path | None = None) -> ApprovalPolicy:
    """Read and validate a policy file (None → the shipped default); PolicyError says what is wrong."""
    path = path or DEFAULT_POLICY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: cannot read the policy file ({error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PolicyError(f"{path}: {where}YAML syntax error: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: YAML syntax error: {error}") from None
    if data is None:
        raise PolicyError(f"{path}: the policy file is empty")
    if not isinstance(data, dict):
        raise PolicyError(
            f"{path}: the top level must be a mapping (critical_targets, rules, risk_defaults, commands)"
        )
    try:
        return ApprovalPolicy.model_validate(data)
    except ValidationError as error:
        raise PolicyError(describe_validation_error(str(path), error)) from None
