"""Keep a model-written runbook honest: drop every step and command the case did not contain.

The prompt already forbids invented steps; this is the check that does not trust the prompt. It is
deliberately simple and explainable, so a reviewer can predict what it keeps:

- A command must appear in the case text verbatim (case and whitespace aside). Commands are what
  someone will paste into a shell at 3 a.m.: near enough is not good enough.
- Prose is paraphrased by nature, so a step's description must share most of its content words with
  the case (words of 4+ letters, minus filler such as "check" or "verify", compared on their first
  5 letters so "restarting" meets "restarts"). A step about something the case never mentions fails.
- A step that fails either test is dropped whole; a root cause that fails falls back to the one the
  resolver wrote. Prevention ideas are not checked: they are labelled as suggestions, not history.
"""

from __future__ import annotations

import re

from engine.redaction import redact
from engine.runbooks.drafting import ResolvedCase
from engine.runbooks.written import WrittenProblem, WrittenRunbook, WrittenSolution, WrittenStep

MIN_SHARED = 0.6
_WORD = re.compile(r"[a-z0-9][a-z0-9_.:/-]*[a-z0-9]|[a-z0-9]")
_FILLER = frozenset(
    """about above after again against also because been before being below between both check checked
    checking checks confirm confirmed confirming could does doing done during each ensure ensured every
    from have having inspect inspected into look looked make made more most must only other over review
    reviewed same see seen should some such than that their them then there these they this those
    through under until using verified verify verifying very were what when where whether which while
    will with would your""".split()  # noqa: SIM905 - a long word list reads better as text
)


def case_text(case: ResolvedCase) -> str:
    """Everything the case recorded: report, thread, diagnosis, resolution (raw and as redacted)."""
    parts = [case.title, case.description, *case.messages, case.resolution, case.service or ""]
    if case.diagnosis is not None:
        d = case.diagnosis
        parts.append(d.summary)
        for h in d.hypotheses:
            parts.extend([h.cause, *(o.quote for o in h.observed), *h.rules_out, *h.checks])
        for a in d.recommended_actions:
            parts.extend([a.title, a.command, a.target, a.rollback])
        parts.extend(d.next_steps)
    raw = "\n".join(p for p in parts if p)
    # The model saw redacted text, so a command it copied may carry [REDACTED:…] markers.
    return raw + "\n" + redact(raw)


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _FILLER}


class Grounding:
    """Checks text against one case."""

    def __init__(self, case: ResolvedCase) -> None:
        text = case_text(case)
        self._squashed = _squash(text)
        self._stems = _stems(text)

    def command_in_case(self, command: str) -> bool:
        """The command (minus a shell prompt and quoting) appears verbatim in the case."""
        cleaned = _squash(command.strip().strip("`").removeprefix("$ "))
        return not cleaned or cleaned in self._squashed

    def prose_in_case(self, text: str) -> bool:
        """Most of the text's content words occur in the case."""
        stems = _stems(text)
        if not stems:
            return False
        return len(stems & self._stems) / len(stems) >= MIN_SHARED

    def mentioned(self, text: str) -> bool:
        """A short phrase found verbatim, or prose that passes the content-word test."""
        return _squash(text) in self._squashed or self.prose_in_case(text)

    def step_in_case(self, step: WrittenStep) -> bool:
        """Both the command and the description are found in the case."""
        return self.command_in_case(step.command) and self.prose_in_case(step.description)


def ground(written: WrittenRunbook, case: ResolvedCase) -> tuple[WrittenRunbook, int]:
    """The runbook with ungrounded steps, symptoms and systems removed, and how many items went."""
    g = Grounding(case)
    dropped = 0

    def keep_steps(steps: list[WrittenStep]) -> list[WrittenStep]:
        nonlocal dropped
        kept = [s for s in steps if g.step_in_case(s)]
        dropped += len(steps) - len(kept)
        return kept

    def keep_lines(lines: list[str]) -> list[str]:
        nonlocal dropped
        kept = [line for line in lines if g.mentioned(line)]
        dropped += len(lines) - len(kept)
        return kept

    problem = WrittenProblem.model_construct(
        symptoms=keep_lines(written.problem_summary.symptoms),
        affected_systems=keep_lines(written.problem_summary.affected_systems),
        severity=written.problem_summary.severity,
    )
    solution = WrittenSolution.model_construct(
        fix=keep_steps(written.solution.fix),
        validation=keep_steps(written.solution.validation),
        rollback=keep_steps(written.solution.rollback),
    )
    root_cause = written.root_cause
    if not g.mentioned(root_cause):
        dropped += 1
        root_cause = ""
    grounded = written.model_copy(
        update={
            "problem_summary": problem,
            "diagnosis_steps": keep_steps(written.diagnosis_steps),
            "root_cause": root_cause,
            "solution": solution,
        }
    )
    return grounded, dropped
