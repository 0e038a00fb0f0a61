"""Hybrid retrieval over runbooks: BM25 (bm25s) and dense vectors (a port), fused by rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import bm25s
import numpy as np

from engine.search.components import ComponentCatalog
from engine.search.embedding import Embedder
from engine.search.fusion import effectiveness_boost, reciprocal_rank_fusion
from engine.search.text import tokenize

CANDIDATES = 50


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    BM25 = "bm25"
    VECTOR = "vector"


class VectorIndex(Protocol):
    """Nearest neighbours by cosine similarity (Chroma in production)."""

    def nearest(self, embedding: list[float], k: int) -> list[tuple[str, float]]:
        """(document id, cosine similarity), best first."""
        ...


@dataclass(frozen=True)
class SearchDocument:
    id: str
    text: str
    times_used: int = 0
    times_worked: int = 0


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    similarity: float | None = None
    bm25_rank: int | None = None
    vector_rank: int | None = None


@dataclass
class Candidates:
    """What each retriever returned for one query, before fusion."""

    bm25: list[str] = field(default_factory=list)
    vector: list[tuple[str, float]] = field(default_factory=list)


class HybridSearcher:
    """Indexes documents for BM25 in memory; asks the vector port for neighbours; fuses both.

    With a component catalog, BM25 indexes each runbook with the canonical names of the
    components its title names, and reads each query with the names of the components it
    describes by role or error string.
    """

    def __init__(
        self,
        documents: list[SearchDocument],
        embedder: Embedder | None = None,
        vectors: VectorIndex | None = None,
        vector_weight: float = 1.0,
        catalog: ComponentCatalog | None = None,
    ) -> None:
        self._docs = documents
        self._catalog = catalog
        self._by_id = {d.id: d for d in documents}
        self._embedder = embedder
        self._vectors = vectors
        self._vector_weight = vector_weight
        self._bm25 = bm25s.BM25()
        if documents:
            texts = [catalog.enrich_document(d.text) if catalog else d.text for d in documents]
            self._bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        self._vocab: dict[str, int] = dict(getattr(self._bm25, "vocab_dict", {}) or {})

    @property
    def has_vectors(self) -> bool:
        """Whether dense retrieval is available."""
        return self._embedder is not None and self._vectors is not None

    def candidates(self, query: str, depth: int = CANDIDATES) -> Candidates:
        """Top documents by BM25 and by vector similarity."""
        found = Candidates()
        if not self._docs:
            return found
        expanded = self._catalog.expand_query(query) if self._catalog else query
        tokens = [t for t in tokenize(expanded) if t in self._vocab]
        if tokens:
            scores = self._bm25.get_scores(tokens)
            top = np.argsort(-scores, kind="stable")[:depth]
            found.bm25 = [self._docs[int(i)].id for i in top if scores[int(i)] > 0]
        if self._embedder is not None and self._vectors is not None:
            # The model already places role phrases near product names; appending names to the
            # embedded query was measured to hurt paraphrase recall, so only BM25 sees the expansion.
            embedding = self._embedder.embed([query])[0]
            found.vector = [(i, s) for i, s in self._vectors.nearest(embedding, depth) if i in self._by_id]
        return found

    def fuse(self, found: Candidates, mode: SearchMode = SearchMode.HYBRID, k: int = 5) -> list[SearchHit]:
        """Rank candidates by one retriever or by both (reciprocal rank fusion plus the boost)."""
        bm25_rank = {doc_id: n for n, doc_id in enumerate(found.bm25, start=1)}
        vector_rank = {doc_id: n for n, (doc_id, _s) in enumerate(found.vector, start=1)}
        similarity = dict(found.vector)
        if mode is SearchMode.BM25:
            rankings, weights = [found.bm25], [1.0]
        elif mode is SearchMode.VECTOR:
            rankings, weights = [[d for d, _s in found.vector]], [1.0]
        else:
            rankings, weights = [found.bm25, [d for d, _s in found.vector]], [1.0, self._vector_weight]
        fused = reciprocal_rank_fusion(rankings, weights)
        if mode is SearchMode.HYBRID:
            for doc_id in fused:
                doc = self._by_id[doc_id]
                fused[doc_id] *= effectiveness_boost(doc.times_used, doc.times_worked)
        ordered = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [
            SearchHit(
                id=doc_id,
                score=score,
                similarity=similarity.get(doc_id),
                bm25_rank=bm25_rank.get(doc_id),
                vector_rank=vector_rank.get(doc_id),
            )
            for doc_id, score in ordered
        ]

    def search(self, query: str, k: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[SearchHit]:
        """The best `k` documents for a query."""
        if mode is SearchMode.HYBRID and not self.has_vectors:
            mode = SearchMode.BM25
        return self.fuse(self.candidates(query), mode, k)
