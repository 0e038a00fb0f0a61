"""What each process does in the multi-process Chroma test (a module, so `spawn` can import it)."""

from __future__ import annotations

import hashlib
import random
from multiprocessing.synchronize import Event
from pathlib import Path

from storage.vector_store import ChromaVectorStore

MODEL = "toy-hash-16"


def toy_embed(texts: list[str]) -> list[list[float]]:
    """A distinct unit vector per text, so a document is its own nearest neighbour."""
    vectors = []
    for text in texts:
        digest = hashlib.sha256(text.encode()).digest()
        raw = [b - 127.5 for b in digest[:16]]
        norm = sum(x * x for x in raw) ** 0.5
        vectors.append([x / norm for x in raw])
    return vectors


def text_of(doc_id: str) -> str:
    return f"runbook {doc_id}: restart the pods, then check the pool"


def write_and_check(data_dir: Path, writer: int, count: int, ready: Event) -> None:
    """Upsert documents one by one; each must be found right after it was written."""
    store = ChromaVectorStore.embedded(data_dir, toy_embed, MODEL)
    ready.wait(60)
    for n in range(count):
        doc_id = f"w{writer}-{n}"
        store.upsert([doc_id], [text_of(doc_id)])
        best = store.nearest(toy_embed([text_of(doc_id)])[0], 1)
        assert best and best[0][0] == doc_id, (doc_id, best)


def search_then_find_all(data_dir: Path, expected: list[str], ready: Event, writers_done: Event) -> None:
    """Opened before any write; searches while others write, then must find every document."""
    store = ChromaVectorStore.embedded(data_dir, toy_embed, MODEL)
    rng = random.Random(7)
    ready.wait(60)
    while not writers_done.wait(0.02):
        store.nearest(toy_embed([text_of(rng.choice(expected))])[0], 3)
    missing = [d for d in expected if store.nearest(toy_embed([text_of(d)])[0], 1)[0][0] != d]
    assert not missing, f"a long-running reader cannot find {len(missing)} documents: {missing[:5]}"
