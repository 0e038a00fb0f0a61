"""Cached document vectors: reused across runs, re-embedded only where the text changed."""

from __future__ import annotations

from pathlib import Path

from storage.embedding_cache import EmbeddingCache


class CountingEmbed:
    """A stand-in model whose vectors encode the text's length, recording every text it embeds."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.seen.extend(texts)
        return [[float(len(t)), 0.5] for t in texts]


def test_second_run_embeds_nothing_and_a_changed_text_is_the_only_one_embedded(tmp_path: Path) -> None:
    embed = CountingEmbed()

    first = EmbeddingCache(tmp_path, "model-a").embed("corpus", ["alpha", "beta"], embed)
    again = EmbeddingCache(tmp_path, "model-a").embed("corpus", ["alpha", "beta"], embed)
    edited = EmbeddingCache(tmp_path, "model-a").embed("corpus", ["alpha", "beta v2"], embed)

    assert first == again == [[5.0, 0.5], [4.0, 0.5]]
    assert edited == [[5.0, 0.5], [7.0, 0.5]]
    assert embed.seen == ["alpha", "beta", "beta v2"]
    assert len(EmbeddingCache(tmp_path, "model-a").load("corpus")) == 2, "the stale 'beta' was dropped"


def test_another_model_or_a_damaged_file_means_embedding_again(tmp_path: Path) -> None:
    embed = CountingEmbed()
    EmbeddingCache(tmp_path, "model-a").embed("corpus", ["alpha"], embed)

    EmbeddingCache(tmp_path, "model-b").embed("corpus", ["alpha"], embed)
    (cached,) = (tmp_path / "model-a").glob("*.npz")
    cached.write_bytes(b"not numpy")
    EmbeddingCache(tmp_path, "model-a").embed("corpus", ["alpha"], embed)

    assert embed.seen == ["alpha", "alpha", "alpha"]
