"""Hybrid runbook search: BM25 and dense vectors fused by reciprocal rank, plus the embedding model."""
