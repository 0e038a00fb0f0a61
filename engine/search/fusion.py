"""Reciprocal rank fusion and the light boost for runbooks that have worked."""

from __future__ import annotations

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[list[str]], weights: list[float] | None = None) -> dict[str, float]:
    """Sum of weight / (RRF_K + rank) over every ranking a document appears in (ranks from 1)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (RRF_K + rank)
    return fused


def effectiveness_boost(times_used: int, times_worked: int, strength: float = 0.15) -> float:
    """A multiplier near 1: above it for runbooks that worked, below for ones that did not.

    Laplace-smoothed so one anecdote moves little: 0/0 → 1.0, 7/8 → 1.045, 0/5 → 0.936.
    """
    smoothed = (times_worked + 1) / (times_used + 2)
    return 1.0 + strength * (smoothed - 0.5)
