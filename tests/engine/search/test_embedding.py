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


def test_a_texts_vector_does_not_depend_on_the_batch_or_order_it_ran_in(embedder: MemoEmbedder) -> None:
    texts = [
        "disk full",
        "postgres refuses connections: FATAL sorry, too many clients already " * 3,
        "TLS certificate expired on the ingress " * 30,  # past the 256-token limit
        "kafka consumer lag keeps growing on the payments topic",
    ]
    together = embedder.real.embed(texts)
    alone = [embedder.real.embed([t])[0] for t in texts]
    reversed_ = embedder.real.embed(texts[::-1])[::-1]

    for a, b, c in zip(together, alone, reversed_, strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-5
        assert max(abs(x - y) for x, y in zip(a, c, strict=True)) < 1e-5
    assert embedder.real.embed([]) == []
