"""Memory of resolved cases: the same hybrid search as runbooks, shown only when a match is close."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from pydantic import BaseModel

from engine.search.embedding import Embedder
from engine.search.hybrid import HybridSearcher, SearchDocument

# Cosine similarity (MiniLM) a past case needs before it is shown. Spot-checked on a handful of
# reports, not calibrated on a set: paraphrases of one Redis OOM case scored 0.87-0.92, Redis
# latency on the same kind of host 0.64, disk full and Postgres connections under 0.2.
MIN_SIMILARITY = 0.7
MAX_SHOWN = 2


class PastCase(BaseModel):
    """A resolved case as memory holds it: what was reported and said, and how it ended."""

    case_id: int
    ref: str
    channel_id: str
    root_ts: str | None = None
    text: str
    stated_fix: str
    level: str
    fix_key: str = ""
    signature: str
    opened_at: datetime
    resolved_at: datetime
    time_to_resolution_s: int

    def document(self) -> str:
        """What is searched: report, evidence, and the stated root cause and fix."""
        return f"{self.text}\n{self.stated_fix}"


class SeenBefore(BaseModel):
    case: PastCase
    similarity: float


class InMemoryVectors:
    """Cosine nearest neighbours over a few thousand past cases; numpy is enough at that size."""

    def __init__(self, ids: list[str], embeddings: list[list[float]]) -> None:
        self._ids = ids
        self._matrix = np.array(embeddings, dtype=np.float32) if embeddings else np.zeros((0, 1))

    def nearest(self, embedding: list[float], k: int) -> list[tuple[str, float]]:
        """(id, cosine similarity), best first; vectors are L2-normalised, so a dot product."""
        if not self._ids:
            return []
        scores = self._matrix @ np.array(embedding, dtype=np.float32)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self._ids[int(i)], float(scores[int(i)])) for i in top]


def recall(
    query: str,
    past: list[PastCase],
    embedder: Embedder | None,
    embeddings: list[list[float]] | None = None,
    min_similarity: float = MIN_SIMILARITY,
    limit: int = MAX_SHOWN,
) -> list[SeenBefore]:
    """The past cases closest to a report, best first; none unless the meaning is close.

    BM25 alone has no calibrated scale for "close", so without an embedder memory stays silent
    rather than risk showing an unrelated case.
    """
    if embedder is None or not past:
        return []
    vectors = embeddings if embeddings is not None else embedder.embed([p.document() for p in past])
    by_id = {str(p.case_id): p for p in past}
    searcher = HybridSearcher(
        [SearchDocument(id=str(p.case_id), text=p.document()) for p in past],
        embedder,
        InMemoryVectors(list(by_id), vectors),
    )
    hits = searcher.search(query, k=limit * 3)
    close = [h for h in hits if h.similarity is not None and h.similarity >= min_similarity]
    return [SeenBefore(case=by_id[h.id], similarity=h.similarity or 0.0) for h in close[:limit]]
