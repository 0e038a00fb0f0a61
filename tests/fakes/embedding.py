"""The real packaged embedder behind a per-session memo, so each text is embedded once per test run."""

from __future__ import annotations

from engine.search.embedding import MiniLmOnnxEmbedder


class MemoEmbedder:
    """Same vectors as the real model; repeated texts come from memory."""

    def __init__(self, real: MiniLmOnnxEmbedder) -> None:
        self.real = real
        self.name = real.name
        self.dimension = real.dimension
        self._memo: dict[str, list[float]] = {}

    def embed(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self.real.embed(missing), strict=True))
        return [self._memo[t] for t in texts]
