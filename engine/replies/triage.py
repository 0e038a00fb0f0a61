"""Does a thread message need an updated diagnosis? Rules first, then the sentence model.

A message addressed to FaultMaven, or carrying a strong sign of evidence (a log line, a command, a
metric, an error), needs an update; emoji and bare acknowledgements do not. The rest — "restarted it,
no change", "ok joining the bridge", "it's only EU users" — is decided by which labelled prototypes
the message's embedding sits nearest to, nudged by the weak rules (a clock time, a change verb).
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel

from engine.replies.rules import Signals, read_signals
from engine.search.embedding import Embedder

PROTOTYPES_PATH = Path(__file__).parent / "prototypes.yaml"
# Each prototype class is scored by the mean similarity of its K nearest examples (robust to one
# odd prototype, unlike the single nearest; sharper than the class centroid for mixed classes).
K_NEAREST = 3
# Tuned on eval/thread_dev.jsonl (see `faultmaven eval thread`): margins above this mean "update".
MODEL_THRESHOLD = 0.0
WEAK_WEIGHTS = {
    "clock_time": 0.03,
    "change_done": 0.05,
    "observation": 0.03,
    "question": 0.0,
    "plan_or_request": -0.12,
    "social": -0.06,
    "gratitude": -0.05,
}
_NOT_EVIDENCE = {"question", "plan_or_request", "social", "gratitude"}
# Without the model (FAULTMAVEN_EMBEDDING=none) weak rules must agree before a message is evidence.
RULES_ONLY_MIN_WEAK = 2

_REOPEN = re.compile(r"^\W*re-?open\b", re.I)


class ReplyVerdict(BaseModel):
    """The decision for one message and the signal that made it."""

    needs_update: bool
    reason: str
    score: float | None = None


def is_reopen_request(words: str) -> bool:
    """`reopen` (words of a message addressed to FaultMaven, mention removed)."""
    return bool(_REOPEN.match(words))


class ReplyTriage:
    """Classifies thread messages; `embedder` None means rules only."""

    def __init__(
        self,
        embedder: Embedder | None,
        prototypes_path: Path = PROTOTYPES_PATH,
        threshold: float = MODEL_THRESHOLD,
    ) -> None:
        self._embedder = embedder
        self._prototypes_path = prototypes_path
        self.threshold = threshold

    @cached_property
    def _prototype_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(update, quiet) example embeddings, computed on first use so start-up stays fast."""
        assert self._embedder is not None
        examples = yaml.safe_load(self._prototypes_path.read_text())
        update = np.asarray(self._embedder.embed(examples["update"]), dtype=np.float32)
        quiet = np.asarray(self._embedder.embed(examples["quiet"]), dtype=np.float32)
        return update, quiet

    def classify(self, text: str, addressed: bool = False) -> ReplyVerdict:
        """The verdict for one message."""
        return self.classify_many([text], [addressed])[0]

    def classify_many(self, texts: list[str], addressed: list[bool]) -> list[ReplyVerdict]:
        """Verdicts for many messages, embedding the undecided ones in one batch."""
        signals = [read_signals(text) for text in texts]
        verdicts: list[ReplyVerdict | None] = [
            _by_rules(s, a) for s, a in zip(signals, addressed, strict=True)
        ]
        open_rows = [n for n, verdict in enumerate(verdicts) if verdict is None]
        if open_rows:
            scores = self._scores([texts[n] for n in open_rows], [signals[n] for n in open_rows])
            for n, score in zip(open_rows, scores, strict=True):
                verdicts[n] = ReplyVerdict(
                    needs_update=score > self.threshold,
                    reason="model" if self._embedder else "weak rules",
                    score=round(score, 4),
                )
        return [v for v in verdicts if v is not None]

    def _scores(self, texts: list[str], signals: list[Signals]) -> list[float]:
        weak = [sum(WEAK_WEIGHTS[name] for name in s.weak) for s in signals]
        if self._embedder is None:
            return [float(len(s.weak - _NOT_EVIDENCE) - RULES_ONLY_MIN_WEAK) + 0.5 for s in signals]
        update, quiet = self._prototype_vectors
        vectors = np.asarray(self._embedder.embed(texts), dtype=np.float32)
        margins = _knn_mean(vectors, update) - _knn_mean(vectors, quiet)
        return [float(m) + w for m, w in zip(margins, weak, strict=True)]


def _by_rules(signals: Signals, addressed: bool) -> ReplyVerdict | None:
    """A verdict the rules are sure of, or None to ask the model."""
    if signals.emoji_only:
        return ReplyVerdict(needs_update=False, reason="emoji only")
    if signals.ack_only and not signals.strong:
        return ReplyVerdict(needs_update=False, reason="acknowledgement")
    if addressed:
        return ReplyVerdict(needs_update=True, reason="addressed to FaultMaven")
    if signals.strong:
        return ReplyVerdict(needs_update=True, reason="evidence: " + ", ".join(sorted(signals.strong)))
    return None


def _knn_mean(vectors: np.ndarray, examples: np.ndarray) -> np.ndarray:
    """Per row of `vectors`, the mean cosine similarity of its K nearest `examples` (unit vectors)."""
    similarities = vectors @ examples.T
    k = min(K_NEAREST, examples.shape[0])
    nearest = np.sort(similarities, axis=1)[:, -k:]
    return np.asarray(nearest.mean(axis=1))
