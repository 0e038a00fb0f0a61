"""Why a suggested runbook failed on a case that was then resolved another way (offline rules).

The rules read only what the case recorded: people's messages, the ❌/✅ votes, the actions run and
their verification, the stated fix, and the runbook's own text. Claude, when configured, answers the
same question through engine/llm/runbook_reviser.py; these rules are the fallback and the default.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field

from engine.search.text import tokenize


class FailureKind(StrEnum):
    WRONG_DIAGNOSIS = "wrong_diagnosis"  # the problem was something else altogether
    WRONG_RUNBOOK = "wrong_runbook"  # the diagnosis was right, this runbook was not for it
    RUNBOOK_INSUFFICIENT = "runbook_insufficient"  # right problem, the runbook lacked the fix
    ENVIRONMENT_DIFFERENCE = "environment_difference"  # the steps do not fit this environment
    EXTERNAL_DEPENDENCY = "external_dependency"  # something outside our control had to recover
    PERMISSION_DENIED = "permission_denied"  # the steps needed access the responder did not have


# Failures a better runbook would have prevented: these get a v2 draft.
IMPROVABLE = frozenset(
    {FailureKind.RUNBOOK_INSUFFICIENT, FailureKind.ENVIRONMENT_DIFFERENCE, FailureKind.PERMISSION_DENIED}
)

FAILURE_LABELS: dict[FailureKind, str] = {
    FailureKind.WRONG_DIAGNOSIS: "wrong diagnosis",
    FailureKind.WRONG_RUNBOOK: "wrong runbook",
    FailureKind.RUNBOOK_INSUFFICIENT: "runbook insufficient",
    FailureKind.ENVIRONMENT_DIFFERENCE: "environment difference",
    FailureKind.EXTERNAL_DEPENDENCY: "external dependency",
    FailureKind.PERMISSION_DENIED: "permission denied",
}


class ExecutedStep(BaseModel):
    """An action run on the case and what its verification said."""

    title: str
    command: str = ""
    ok: bool
    verified: str | None = None


class RunbookFailure(BaseModel):
    """Everything the classification may read about one failed runbook on one resolved case."""

    case_ref: str
    runbook_ref: str
    runbook_text: str  # the runbook's title, labels and sections
    messages: list[str] = Field(default_factory=list)  # what people wrote in the thread, oldest first
    stated_fix: str
    worked_votes: int = 0
    failed_votes: int = 0
    executions: list[ExecutedStep] = Field(default_factory=list)
    diagnosis_text: str = ""  # FaultMaven's hypotheses and recommended actions on the case


class FailureVerdict(BaseModel):
    kind: FailureKind
    reason: str
    evidence: list[str] = Field(default_factory=list)  # quotes from the case that led to the verdict
    engine: str = "rules"

    @property
    def improvable(self) -> bool:
        """A v2 of the runbook would have helped."""
        return self.kind in IMPROVABLE

    @property
    def label(self) -> str:
        return FAILURE_LABELS[self.kind]


_CUES: tuple[tuple[FailureKind, re.Pattern[str]], ...] = (
    (
        FailureKind.PERMISSION_DENIED,
        re.compile(
            r"permission denied|access denied|forbidden|\b403\b|not authori[sz]ed|unauthori[sz]ed|EACCES|"
            r"insufficient (?:privileges|permissions)|requires? (?:root|sudo|admin)|no (?:access|permission)",
            re.IGNORECASE,
        ),
    ),
    (
        FailureKind.EXTERNAL_DEPENDENCY,
        re.compile(
            r"\b(?:upstream|third[- ]party|vendor|provider)\b.{0,40}\b(?:outage|down|incident|issue|fixed)|"
            r"status ?page|recovered on its own|waited (?:for|until)|"
            r"(?:aws|gcp|azure|cloudflare) (?:outage|incident)",
            re.IGNORECASE,
        ),
    ),
    (
        FailureKind.ENVIRONMENT_DIFFERENCE,
        re.compile(
            r"command not found|no such file|not installed|unknown (?:command|option|flag)|"
            r"(?:doesn't|does not|didn't|did not) (?:exist|apply) (?:here|on|in)|"
            r"different (?:version|config\w*|setup|environment|path|cluster|region)|"
            r"(?:older|newer) version|deprecated|renamed|managed (?:service|instance)",
            re.IGNORECASE,
        ),
    ),
    (
        FailureKind.WRONG_RUNBOOK,
        re.compile(
            r"wrong runbook|(?:runbook|this) (?:is|was) (?:for|about) (?:a )?different", re.IGNORECASE
        ),
    ),
    (
        FailureKind.WRONG_DIAGNOSIS,
        re.compile(
            r"misdiagnos\w*|wrong diagnosis|(?:not|wasn't|was not) (?:a|the) \w+ (?:problem|issue)",
            re.IGNORECASE,
        ),
    ),
)
# Share of the stated fix's words the runbook already contains before we call it the right problem.
SAME_PROBLEM = 0.3
# Share of the stated fix's words the diagnosis contained before we credit the diagnosis.
DIAGNOSIS_RIGHT = 0.5
_REASONS: dict[FailureKind, str] = {
    FailureKind.PERMISSION_DENIED: "its steps needed access the responder did not have",
    FailureKind.EXTERNAL_DEPENDENCY: "the cause was outside our systems and had to recover there",
    FailureKind.ENVIRONMENT_DIFFERENCE: "its steps did not fit this environment",
    FailureKind.WRONG_RUNBOOK: "the diagnosis was right but this runbook is for another problem",
    FailureKind.WRONG_DIAGNOSIS: "the problem turned out to be a different one",
    FailureKind.RUNBOOK_INSUFFICIENT: "it is about the right problem but lacked the fix that worked",
}


def _overlap(text: str, other: str) -> float:
    words = set(tokenize(text))
    return len(words & set(tokenize(other))) / len(words) if words else 0.0


def _quote(text: str, match: re.Match[str]) -> str:
    """The sentence around a cue, clipped: what the reviewer is shown as evidence."""
    start = max(text.rfind(".", 0, match.start()) + 1, match.start() - 120)
    end = text.find(".", match.end())
    end = min(end if end != -1 else len(text), match.end() + 120)
    return text[start:end].strip()


def _sources(failure: RunbookFailure) -> list[str]:
    failed_steps = [
        f"{e.title}: {e.command}".strip(": ")
        for e in failure.executions
        if not e.ok or e.verified in ("not_fixed", "check_failed", "rolled_back")
    ]
    return [*failure.messages, *failed_steps, failure.stated_fix]


def classify_failure(failure: RunbookFailure) -> FailureVerdict:
    """The first cue found in the case's words wins; without one, how the fix relates to the runbook."""
    for kind, cue in _CUES:
        for text in _sources(failure):
            match = cue.search(text)
            if match:
                return FailureVerdict(kind=kind, reason=_REASONS[kind], evidence=[_quote(text, match)])
    fix_in_runbook = _overlap(failure.stated_fix, failure.runbook_text)
    fix_in_diagnosis = _overlap(failure.stated_fix, failure.diagnosis_text)
    if fix_in_runbook >= SAME_PROBLEM:
        kind = FailureKind.RUNBOOK_INSUFFICIENT
    elif fix_in_diagnosis >= DIAGNOSIS_RIGHT:
        kind = FailureKind.WRONG_RUNBOOK
    else:
        kind = FailureKind.WRONG_DIAGNOSIS
    shares = (
        f"{fix_in_runbook:.0%} of the fix's words are in the runbook, {fix_in_diagnosis:.0%} in the diagnosis"
    )
    return FailureVerdict(kind=kind, reason=f"{_REASONS[kind]} ({shares})", evidence=[failure.stated_fix])


# Verification results that say an action did not fix the problem.
NOT_FIXED = frozenset({"not_fixed", "check_failed", "rolled_back"})
# Share of an executed command's words one line of a runbook must hold to say it came from there.
COMMAND_MATCH = 0.75


def runbooks_behind(failed_commands: list[str], runbooks: dict[int, str]) -> list[int]:
    """Suggested runbooks a failed command was taken from: one line of the runbook holds most of its words.

    Runbooks write `<host>` where the case ran `cache-01`, so words are compared, not whole strings;
    a command of one word (`uptime`) says too little to tie it to a runbook.
    """
    found = []
    for runbook_id, text in runbooks.items():
        lines = [set(tokenize(line)) for line in text.splitlines() if line.strip()]
        for command in failed_commands:
            words = set(tokenize(command))
            if len(words) >= 2 and any(len(words & line) / len(words) >= COMMAND_MATCH for line in lines):
                found.append(runbook_id)
                break
    return found
