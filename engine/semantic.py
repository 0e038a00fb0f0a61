"""Paraphrase-aware matching: the packaged sentence-embedding model scores reports against patterns."""

from __future__ import annotations

import numpy as np

from engine.knowledge.patterns_model import FailurePattern
from engine.search.embedding import Embedder

# MiniLM cosines between unrelated incident texts sit around 0.1-0.2 and clear paraphrases reach
# 0.6+; rescaling that band to 0..1 makes "related" worth about as much as a lexical match.
UNRELATED_COSINE = 0.2
RELATED_COSINE = 0.65


def _pattern_text(pattern: FailurePattern) -> str:
    return f"{pattern.title}. {pattern.description}"


def _unit_rows(vectors: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class SemanticIndex:
    """Pattern embeddings computed once; each report costs one embedding and one matrix product."""

    def __init__(
        self, patterns: list[FailurePattern], embedder: Embedder, extra: dict[str, str] | None = None
    ) -> None:
        # `extra` (id → text) rides along, e.g. category prototypes: one report embedding serves both.
        self._embedder = embedder
        texts = {p.id: _pattern_text(p) for p in patterns} | (extra or {})
        self._ids = list(texts)
        self._matrix = _unit_rows(embedder.embed(list(texts.values())))

    def similarities(self, text: str) -> dict[str, float]:
        """Rescaled cosine similarity (0..1) of the text to every pattern."""
        return self.similarities_many([text])[0]

    def similarities_many(self, texts: list[str]) -> list[dict[str, float]]:
        """`similarities` for several texts, embedded in one batch."""
        queries = _unit_rows(self._embedder.embed([t[:2000] for t in texts]))
        scaled = (queries @ self._matrix.T - UNRELATED_COSINE) / (RELATED_COSINE - UNRELATED_COSINE)
        clipped = np.clip(scaled, 0.0, 1.0)
        return [dict(zip(self._ids, row.tolist(), strict=True)) for row in clipped]
