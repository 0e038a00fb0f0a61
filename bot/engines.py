"""Choose and build the diagnosis engine from Settings (the composition root's one place for it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import anthropic

from bot.settings import Settings
from engine.knowledge.patterns_model import load_patterns
from engine.llm.breaker import CircuitBreaker
from engine.llm.caller import ModelCaller
from engine.llm.engine import ClaudeEngine
from engine.offline import OfflineEngine
from engine.ports import DiagnosisEngine
from engine.search.embedding import Embedder, make_embedder


@lru_cache(maxsize=4)
def _cached_embedder(name: str, model_path: Path | None) -> Embedder | None:
    return make_embedder(name, model_path)


def build_embedder(settings: Settings) -> Embedder | None:
    """The embedder FAULTMAVEN_EMBEDDING names (None for keyword-only), loaded once per process.

    The worker's diagnosis engine and runbook library share it, so the model is in memory once.
    """
    return _cached_embedder(settings.faultmaven_embedding, settings.faultmaven_embedding_model_path)


def build_diagnosis_engine(settings: Settings, client: anthropic.Anthropic | None = None) -> DiagnosisEngine:
    """Claude (falling back to offline) when ANTHROPIC_API_KEY is set, else the offline engine."""
    offline = OfflineEngine(load_patterns(), build_embedder(settings))
    if settings.anthropic_api_key is None and client is None:
        return offline
    if client is None:
        assert settings.anthropic_api_key is not None
        client = anthropic.Anthropic(
            api_key=settings.anthropic_api_key.get_secret_value(),
            base_url=settings.anthropic_base_url,
            timeout=settings.anthropic_timeout_seconds,
            max_retries=settings.anthropic_max_retries,
        )
    return ClaudeEngine(
        ModelCaller(client),
        offline,
        fast_model=settings.anthropic_fast_model,
        strong_model=settings.anthropic_strong_model,
        breaker=CircuitBreaker(
            failure_threshold=settings.anthropic_breaker_failures,
            reset_after=settings.anthropic_breaker_reset_seconds,
        ),
    )
