"""Measure reply triage on labelled thread messages: precision and recall of "needs an update"."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from engine.replies.triage import ReplyTriage


class LabelledMessage(BaseModel):
    """One line of eval/thread/*.jsonl."""

    id: str
    text: str
    addressed: bool = False
    label: Literal["update", "quiet"]
    kind: str


class KindRow(BaseModel):
    kind: str
    total: int
    correct: int


class ThreadReport(BaseModel):
    """Counts, the headline figures, per-kind accuracy and the misses to read."""

    cases: int
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    ms_per_message: float
    kinds: list[KindRow]
    mistakes: list[str]

    @property
    def precision(self) -> float:
        """Of the messages that got an update, the share that needed one."""
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Of the messages that needed an update, the share that got one."""
        needed = self.true_positive + self.false_negative
        return self.true_positive / needed if needed else 1.0

    def as_table(self, name: str) -> str:
        """A short plain-text table for `make test` output."""
        lines = [
            f"thread triage on {name}: {self.cases} messages, {self.ms_per_message:.1f} ms/message",
            f"  precision (needs an update) {self.precision:.3f}   recall {self.recall:.3f}",
            f"  tp {self.true_positive}  fp {self.false_positive}  "
            f"fn {self.false_negative}  tn {self.true_negative}",
            "  kind               correct/total",
        ]
        lines.extend(f"  {row.kind:<18} {row.correct:>3}/{row.total:<3}" for row in self.kinds)
        lines.extend(f"  miss: {mistake}" for mistake in self.mistakes)
        return "\n".join(lines)


def load_messages(path: Path) -> list[LabelledMessage]:
    """Parse a JSONL file of labelled thread messages."""
    return [
        LabelledMessage.model_validate(json.loads(line))
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def evaluate(triage: ReplyTriage, messages: list[LabelledMessage]) -> ThreadReport:
    """Classify every message in one batch and count agreements with the labels."""
    started = time.perf_counter()
    verdicts = triage.classify_many([m.text for m in messages], [m.addressed for m in messages])
    elapsed = time.perf_counter() - started
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    kinds: dict[str, list[int]] = {}
    mistakes: list[str] = []
    for message, verdict in zip(messages, verdicts, strict=True):
        wanted = message.label == "update"
        key = ("t" if verdict.needs_update == wanted else "f") + ("p" if verdict.needs_update else "n")
        counts[key] += 1
        tally = kinds.setdefault(message.kind, [0, 0])
        tally[0] += 1
        if verdict.needs_update == wanted:
            tally[1] += 1
        else:
            mistakes.append(f"{message.id} [{message.label}] {message.text[:60]!r} ({verdict.reason})")
    return ThreadReport(
        cases=len(messages),
        true_positive=counts["tp"],
        false_positive=counts["fp"],
        false_negative=counts["fn"],
        true_negative=counts["tn"],
        ms_per_message=1000 * elapsed / max(1, len(messages)),
        kinds=[KindRow(kind=k, total=t, correct=c) for k, (t, c) in sorted(kinds.items())],
        mistakes=mistakes,
    )
