"""Choose and build the diagnosis engine from Settings (the composition root's one place for it)."""

from __future__ import annotations

import anthropic

from bot.settings import Settings
from engine.knowledge.patterns_model import load_patterns
from engine.llm.breaker import CircuitBreaker
from engine.llm.caller import ModelCaller
from engine.llm.engine import ClaudeEngine
from engine.offline import OfflineEngine
from engine.ports import DiagnosisEngine
from engine.search.embedding import make_embedder


def build_diagnosis_engine(settings: Settings, client: anthropic.Anthropic | None = None) -> DiagnosisEngine:
    """Claude (falling back to offline) when ANTHROPIC_API_KEY is set, else the offline engine."""
    offline = OfflineEngine(
        load_patterns(),
        make_embedder(settings.faultmaven_embedding, settings.faultmaven_embedding_model_path),
    )
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
