"""Where a quote was seen in a case: the report, a reply, a pasted log line or an alert label.

Evidence is only ever built here, from text found in the case, so nothing that was not observed can be
shown as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.models import CaseContext, EvidenceSource, Observation

# Lines that look machine-written: a timestamp, a log level, a stack frame, key=value pairs, a prompt.
_LOG_LINE = re.compile(
    r"^\s*(\[?\d{4}-\d{2}-\d{2}[T ]\d|\[?\d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} +\d+ \d{2}:)"
    r"|\b(ERROR|WARN(ING)?|FATAL|PANIC|CRITICAL|INFO|DEBUG)\b[:\]]?"
    r"|^\s*(at |Traceback|Caused by:|Exception in thread|\$ |# |> )"
    r"|\w+=\S+.*\w+=\S+|^\s*`[^`]+`\s*$"
)
# Alert payloads arrive as `alertname=…`, `labels: {…}` or `severity: critical` lines.
_ALERT_LABEL = re.compile(r"\b(alertname|alert_name|labels?|annotations?)\s*[:=]", re.I)


@dataclass(frozen=True)
class Passage:
    """One line of the case with where it came from."""

    text: str
    source: EvidenceSource
    author: str | None


def _line_source(line: str, default: EvidenceSource) -> EvidenceSource:
    if _ALERT_LABEL.search(line):
        return EvidenceSource.ALERT_LABEL
    if _LOG_LINE.search(line):
        return EvidenceSource.LOG_LINE
    return default


def case_passages(case: CaseContext) -> list[Passage]:
    """Every line a person (or an alert) wrote in the case, report first, with its source."""
    passages = []
    # A title cut from the report ("…checkout exit code 1" from "exit code 137") would invent text.
    derived = case.description.strip().startswith(case.title.rstrip("…").strip())
    for line in [*([] if derived else [case.title]), *case.description.splitlines()]:
        if line.strip():
            passages.append(Passage(line, _line_source(line, EvidenceSource.REPORT), case.reporter))
    for turn in case.turns:
        if turn.from_bot:
            continue
        for line in turn.text.splitlines():
            if line.strip():
                passages.append(Passage(line, _line_source(line, EvidenceSource.MESSAGE), turn.author))
    return passages


def find(passages: list[Passage], pattern: re.Pattern[str], meaning: str = "") -> Observation | None:
    """The first match of `pattern` in the case, quoted exactly as written, or None."""
    for passage in passages:
        found = pattern.search(passage.text)
        if found and found.group(0).strip():
            quote = found.group(0).strip()[:160]
            return Observation(quote=quote, source=passage.source, author=passage.author, meaning=meaning)
    return None


# A negation shortly before a match in the same clause ("nobody deleted anything", "we didn't deploy")
# says the opposite of the match.
_NEGATION = re.compile(
    r"\b(no|not|nobody|no one|nothing|never|none|without|(did|do|does|has|have|was|were|is|are)n.t)\b"
    r"[^.;!?,]*$",
    re.I,
)
NEGATION_WINDOW = 40
# An action the writer cannot take ("customers can't make config changes", "we're unable to deploy the
# fix") is a symptom, not a sign that someone took it.
_INABILITY = re.compile(
    r"\b(can.?t|cannot|could.?n.t|unable to|not able to|fail(s|ed|ing)? to|won.?t)\b[^.;!?,]*$", re.I
)


def find_asserted(
    passages: list[Passage], pattern: re.Pattern[str], meaning: str = "", action: bool = False
) -> Observation | None:
    """Like `find`, but skips matches the writer negates ("nothing was deployed", "nobody deleted").

    With `action`, the match names something people do (deploy, change a config, run a command), and a
    match the writer says cannot be done ("can't deploy") is skipped too.
    """
    for passage in passages:
        for found in pattern.finditer(passage.text):
            before = passage.text[max(0, found.start() - NEGATION_WINDOW) : found.start()]
            if action and _INABILITY.search(before):
                continue
            if found.group(0).strip() and not _NEGATION.search(before):
                quote = found.group(0).strip()[:160]
                return Observation(quote=quote, source=passage.source, author=passage.author, meaning=meaning)
    return None


def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A case-insensitive whole-phrase regex for a knowledge-base keyword."""
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", re.I)


def normalised(text: str) -> str:
    """Lower case with runs of whitespace collapsed, for checking that a quote occurs in a case."""
    return " ".join(text.lower().split())


def quotes_case(observation: Observation, case: CaseContext) -> bool:
    """Whether the observation's quote really occurs in the case text."""
    return normalised(observation.quote) in normalised(case.evidence_text())
