"""What people type to propose an action: `run <action> <target> [key=value …] [because <why>]`."""

from __future__ import annotations

import re
import shlex

from pydantic import BaseModel, Field

from engine.actions.credentials import credential_refusal

_RUN = re.compile(r"^run\b\s*(?P<rest>.*)$", re.I | re.S)
_REASON = re.compile(r"\s(?:--|because)\s+(?P<why>.+)$", re.I | re.S)
_PARAM = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]{0,40})=(?P<value>.*)$")
RUN_USAGE = (
    'Propose an action with `@FaultMaven run <action> <target> [key=value …] [rollback="…"] '
    "[because <why>]`, e.g. `@FaultMaven run restart_service checkout-7 service=checkout because OOM loop`."
)


class ProposalCommand(BaseModel):
    action: str = Field(min_length=1, max_length=300)
    target: str = Field(min_length=1, max_length=200)
    parameters: dict[str, str] = Field(default_factory=dict)
    reason: str = ""


def run_words(words: str) -> str | None:
    """The text after `run` when the message is a run request, else None."""
    match = _RUN.match(words.strip())
    return match.group("rest").strip() if match else None


def parse_run(rest: str) -> ProposalCommand | str:
    """A proposal, or a friendly explanation of what is missing."""
    reason = ""
    found = _REASON.search(" " + rest)
    if found:
        reason = found.group("why").strip()
        rest = (" " + rest)[: found.start()].strip()
    try:
        tokens = shlex.split(rest)
    except ValueError as error:
        return f"I couldn't read that ({error}). {RUN_USAGE}"
    parameters: dict[str, str] = {}
    words: list[str] = []
    for token in tokens:
        param = _PARAM.match(token)
        if param:
            parameters[param.group("key")] = param.group("value")
        else:
            words.append(token)
    if len(words) < 2:
        return f"I need an action and a target. {RUN_USAGE}"
    refusal = credential_refusal(parameters)
    if refusal is not None:
        return refusal
    return ProposalCommand(action=words[0], target=" ".join(words[1:]), parameters=parameters, reason=reason)


def parse_parameter_lines(text: str) -> dict[str, str] | str:
    """`key=value` per line (the modal's parameters box), or what is wrong with it."""
    parameters: dict[str, str] = {}
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        param = _PARAM.match(line)
        if param is None:
            return f"“{line[:40]}” is not key=value"
        parameters[param.group("key")] = param.group("value").strip()
    return credential_refusal(parameters) or parameters
