"""The Chroma store of runbook vectors: derived from SQL, rebuilt any time by `runbooks reindex`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from storage.shared_dir import SharedDirectory

# chromadb is imported inside the functions that use it: importing it costs about a second and tens
# of MiB, and the web process (which imports this module through the job facades) never searches.

EmbedFn = Callable[[list[str]], list[list[float]]]


def _embedding_function(embed: EmbedFn) -> Any:
    """Hands Chroma our embedder, so it never instantiates (and downloads) its default model."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class OurEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            pass

        def __call__(self, input: Documents) -> Embeddings:
            return embed(list(input))  # type: ignore[return-value]

    return OurEmbeddingFunction()


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def make_chroma_client(data_dir: Path, url: str | None = None) -> Any:
    """HttpClient when CHROMA_URL is set, else an embedded PersistentClient under the data dir."""
    import chromadb

    settings = _chroma_settings()
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def make_ephemeral_chroma_client() -> Any:
    """An in-memory Chroma (the same HNSW index, nothing written): for measuring, not for serving.

    Every ephemeral client in a process shares one store, so give each use its own collection prefix.
    """
    import chromadb

    return chromadb.EphemeralClient(settings=_chroma_settings())


class ChromaVectorStore:
    """One collection per embedding model (vectors of different models never mix).

    With `shared` (an embedded directory used by several worker processes), writes are exclusive,
    reads shared, and the client is reopened (through `reopen`) when another process wrote.
    """

    def __init__(
        self,
        client: Any,
        embed: EmbedFn,
        model_name: str,
        prefix: str = "runbooks",
        shared: SharedDirectory | None = None,
        reopen: Callable[[], Any] | None = None,
    ) -> None:
        self._client = client
        self._name = re.sub(r"[^A-Za-z0-9._-]", "-", f"{prefix}-{model_name}")[:60]
        self._embed = embed
        self._count: int | None = None
        self._shared = shared
        self._reopen = reopen
        self._seen_generation = shared.generation() if shared is not None else ""
        self._collection = self._open()

    @classmethod
    def embedded(cls, data_dir: Path, embed: EmbedFn, model_name: str) -> ChromaVectorStore:
        """The embedded store under the data dir, safe to share between worker processes."""
        shared = SharedDirectory(data_dir / "chroma")
        with shared.writing():  # opening may create the collection
            client = make_chroma_client(data_dir)
            return cls(client, embed, model_name, shared=shared, reopen=lambda: make_chroma_client(data_dir))

    @contextmanager
    def _writing(self) -> Iterator[None]:
        if self._shared is None:
            yield
            return
        with self._shared.writing():
            self._refresh_if_stale()
            try:
                yield
            finally:
                # Even a failed write may have changed files: other processes must reload.
                self._count = None
                self._seen_generation = self._shared.bump()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        if self._shared is None:
            yield
            return
        with self._shared.reading():
            self._refresh_if_stale()
            yield

    def _refresh_if_stale(self) -> None:
        """Another process wrote since we last looked: reload the index it changed from disk."""
        assert self._shared is not None
        generation = self._shared.generation()
        if generation == self._seen_generation or self._reopen is None:
            return
        self._client.close()
        self._client = self._reopen()
        self._collection = self._open()
        self._count = None
        self._seen_generation = generation

    def _open(self) -> Any:
        return self._client.get_or_create_collection(
            self._name,
            embedding_function=_embedding_function(self._embed),
            metadata={"hnsw:space": "cosine"},
        )

    def upsert(self, ids: list[str], texts: list[str], embeddings: list[list[float]] | None = None) -> None:
        """Add or replace documents; embeddings are computed here unless given."""
        if not ids:
            return
        vectors = embeddings if embeddings is not None else self._embed(texts)
        with self._writing():
            for start in range(0, len(ids), 1000):
                end = start + 1000
                self._collection.upsert(
                    ids=ids[start:end], documents=texts[start:end], embeddings=vectors[start:end]
                )
        self._count = None

    def delete(self, ids: list[str]) -> None:
        """Remove documents (missing ids are ignored)."""
        if ids:
            with self._writing():
                self._collection.delete(ids=ids)
            self._count = None

    def ids(self) -> set[str]:
        """Every id in the collection."""
        with self._reading():
            return set(self._collection.get(include=[])["ids"])

    def count(self) -> int:
        """How many vectors are stored."""
        with self._reading():
            return int(self._collection.count())

    def clear(self) -> None:
        """Drop and recreate the collection."""
        with self._writing():
            self._client.delete_collection(self._name)
            self._collection = self._open()
        self._count = None

    def nearest(self, embedding: list[float], k: int) -> list[tuple[str, float]]:
        """(id, cosine similarity), best first."""
        with self._reading():
            # The count is cached: asking Chroma for it on every query costs as much as the query.
            if self._count is None:
                self._count = int(self._collection.count())
            if self._count == 0:
                return []
            result = self._collection.query(
                query_embeddings=[embedding], n_results=min(k, self._count), include=["distances"]
            )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]
