"""Choose and build the diagnosis engine from Settings (the composition root's one place for it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from engine.knowledge.patterns_model import load_patterns
from engine.llm.breaker import CircuitBreaker
from engine.offline import OfflineEngine
from engine.ports import DiagnosisEngine
from engine.replies.triage import ReplyTriage
from engine.search.embedding import Embedder, make_embedder

# The Anthropic SDK and the Claude modules are imported only when a key is set: the SDK alone adds
# about 48 MiB to a process, which the offline engine does not need.
if TYPE_CHECKING:
    import anthropic

    from engine.llm.runbook_reviser import ClaudeRunbookReviser
    from engine.llm.runbook_writer import ClaudeRunbookWriter


@lru_cache(maxsize=4)
def _cached_embedder(name: str, model_path: Path | None) -> Embedder | None:
    return make_embedder(name, model_path)


def build_embedder(settings: Settings) -> Embedder | None:
    """The embedder FAULTMAVEN_EMBEDDING names (None for keyword-only), loaded once per process.

    The worker's diagnosis engine and runbook library share it, so the model is in memory once.
    """
    return _cached_embedder(settings.faultmaven_embedding, settings.faultmaven_embedding_model_path)


def build_reply_triage(settings: Settings) -> ReplyTriage:
    """Decides which thread messages need an update, with the shared sentence model when configured."""
    return ReplyTriage(build_embedder(settings))


def build_anthropic_client(settings: Settings) -> anthropic.Anthropic | None:
    """The SDK client when ANTHROPIC_API_KEY is set (timeouts and SDK retries from Settings)."""
    if settings.anthropic_api_key is None:
        return None
    import anthropic

    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        timeout=settings.anthropic_timeout_seconds,
        max_retries=settings.anthropic_max_retries,
    )


def build_runbook_writer(
    settings: Settings, client: anthropic.Anthropic | None = None
) -> ClaudeRunbookWriter | None:
    """Claude drafts runbooks from resolved cases when a key is set; None: the offline template does."""
    client = client or build_anthropic_client(settings)
    if client is None:
        return None
    from engine.llm.caller import ModelCaller
    from engine.llm.runbook_writer import RUNBOOK_TOOL, ClaudeRunbookWriter

    # Runbooks are longer than a diagnosis, and written once per case: the strong model, more tokens.
    caller = ModelCaller(client, max_tokens=4096, tool=RUNBOOK_TOOL)
    return ClaudeRunbookWriter(caller, settings.anthropic_strong_model)


def build_runbook_reviser(
    settings: Settings, client: anthropic.Anthropic | None = None
) -> ClaudeRunbookReviser | None:
    """Claude says why a runbook failed and writes its next version when a key is set; None: the rules."""
    client = client or build_anthropic_client(settings)
    if client is None:
        return None
    from engine.llm.caller import ModelCaller
    from engine.llm.runbook_reviser import REVISION_TOOL, ClaudeRunbookReviser

    caller = ModelCaller(client, max_tokens=4096, tool=REVISION_TOOL)
    return ClaudeRunbookReviser(caller, settings.anthropic_strong_model)


def build_diagnosis_engine(settings: Settings, client: anthropic.Anthropic | None = None) -> DiagnosisEngine:
    """Claude (falling back to offline) when ANTHROPIC_API_KEY is set, else the offline engine."""
    offline = OfflineEngine(load_patterns(), build_embedder(settings))
    if settings.anthropic_api_key is None and client is None:
        return offline
    client = client or build_anthropic_client(settings)
    if client is None:
        return offline
    from engine.llm.caller import ModelCaller
    from engine.llm.engine import ClaudeEngine

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
