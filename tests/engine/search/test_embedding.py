"""The packaged embedding model: verified by sha256, unit vectors, meaning-aware."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ConfigurationError
from engine.search.embedding import MiniLmOnnxEmbedder, make_embedder, packaged_minilm_path
from tests.fakes.embedding import MemoEmbedder


def test_model_file_with_wrong_sha256_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / "model.onnx"
    tampered.write_bytes(packaged_minilm_path().read_bytes()[:1000])

    with pytest.raises(ConfigurationError, match="sha256"):
        MiniLmOnnxEmbedder(model_path=tampered)


def test_vectors_are_normalised_and_close_for_paraphrases(embedder: MemoEmbedder) -> None:
    a, b, c = embedder.real.embed(
        ["redis is out of memory", "redis OOM, writes rejected", "TLS cert expired"]
    )

    def dot(x: list[float], y: list[float]) -> float:
        return sum(p * q for p, q in zip(x, y, strict=True))

    assert len(a) == 384
    assert abs(dot(a, a) - 1.0) < 1e-4
    assert dot(a, b) > dot(a, c) + 0.2


def test_embedding_setting_none_means_keyword_only_and_unknown_fails_fast() -> None:
    assert make_embedder("none") is None
    with pytest.raises(ConfigurationError, match="unknown embedding model"):
        make_embedder("word2vec")
