"""Document vectors kept on disk, so measuring search on a corpus embeds each document only once.

Keyed by the model's fingerprint (its file's sha256 and token limit: a folder each) and the sha256
of the exact text that was embedded, which is finer than a hash of the corpus files: a changed file
re-embeds only its own document, and a change in how files are read into text re-embeds what it
changed.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

EmbedFn = Callable[[list[str]], list[list[float]]]


def text_key(text: str) -> str:
    """The cache key of one text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """One .npz per (model fingerprint, collection) under a folder; written atomically."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self._folder = folder / re.sub(r"[^A-Za-z0-9._-]", "-", fingerprint)

    def _path(self, collection: str) -> Path:
        return self._folder / (re.sub(r"[^A-Za-z0-9._-]", "-", collection) + ".npz")

    def load(self, collection: str) -> dict[str, np.ndarray]:
        """Cached vectors of one collection by text key; empty when absent or unreadable."""
        path = self._path(collection)
        try:
            with np.load(path) as stored:
                return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, KeyError, ValueError):  # absent, truncated or from an older layout
            return {}

    def embed(self, collection: str, texts: list[str], embed: EmbedFn) -> list[list[float]]:
        """Vectors for texts, embedding only those not cached; the file then holds exactly these texts."""
        cached = self.load(collection)
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in cached}
        if missing:
            fresh = embed(list(missing.values()))
            cached.update(zip(missing, np.asarray(fresh, dtype=np.float32), strict=True))
        wanted = list(dict.fromkeys(keys))
        if missing or len(cached) != len(wanted):  # new vectors, or stale ones to drop
            self._save(collection, {k: cached[k] for k in wanted})
        return [cached[k].tolist() for k in keys]

    def _save(self, collection: str, vectors: dict[str, np.ndarray]) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._path(collection)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        stacked = np.stack(list(vectors.values())) if vectors else np.zeros((0, 0), dtype=np.float32)
        np.savez(partial, keys=np.array(list(vectors)), vectors=stacked.astype(np.float32))
        os.replace(partial, path)  # readers see the old file or the new one, never half of one
