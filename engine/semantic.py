"""Paraphrase-aware matching: the packaged sentence-embedding model scores reports against patterns."""

from __future__ import annotations

import math

from engine.knowledge.patterns_model import FailurePattern
from engine.search.embedding import Embedder

# MiniLM cosines between unrelated incident texts sit around 0.1-0.2 and clear paraphrases reach
# 0.6+; rescaling that band to 0..1 makes "related" worth about as much as a lexical match.
UNRELATED_COSINE = 0.2
RELATED_COSINE = 0.65


def _pattern_text(pattern: FailurePattern) -> str:
    return f"{pattern.title}. {pattern.description}"


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class SemanticIndex:
    """Pattern embeddings computed once; each report costs one embedding."""

    def __init__(
        self, patterns: list[FailurePattern], embedder: Embedder, extra: dict[str, str] | None = None
    ) -> None:
        # `extra` (id → text) rides along, e.g. category descriptions: one report embedding serves both.
        self._embedder = embedder
        texts = {p.id: _pattern_text(p) for p in patterns} | (extra or {})
        self._ids = list(texts)
        self._vectors = [_unit(v) for v in embedder.embed(list(texts.values()))]

    def similarities(self, text: str) -> dict[str, float]:
        """Rescaled cosine similarity (0..1) of the text to every pattern."""
        query = _unit(self._embedder.embed([text[:2000]])[0])
        scores = {}
        for pattern_id, vector in zip(self._ids, self._vectors, strict=True):
            cosine = sum(a * b for a, b in zip(query, vector, strict=True))
            scaled = (cosine - UNRELATED_COSINE) / (RELATED_COSINE - UNRELATED_COSINE)
            scores[pattern_id] = min(1.0, max(0.0, scaled))
        return scores
