"""`faultmaven eval search --queries FILE --corpus DIR [--queries … --corpus …] [--split dev]`.

Several corpora run in one process (the model loads once). Documents are embedded through a disk
cache under the data dir, keyed by the model's fingerprint and each text's sha256, so a second run
embeds nothing; the index is an in-memory Chroma. Queries are never cached: their embedding is part
of the latency measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

# The search stack (numpy, bm25s, Chroma, the model) is imported by the commands that use it:
# `faultmaven serve` builds this parser too, and the web process must stay small.
if TYPE_CHECKING:
    from engine.search.embedding import Embedder
    from engine.search.evaluation import EvalReport
    from engine.search.hybrid import HybridSearcher
    from storage.embedding_cache import EmbeddingCache


@dataclass(frozen=True)
class CorpusIndex:
    searcher: HybridSearcher
    documents: int
    embedded: int  # documents the model had to embed (the rest came from the cache)
    seconds: float


def corpus_searcher(
    corpus: Path, embedder: Embedder | None, cache: EmbeddingCache | None = None, prefix: str = "eval"
) -> CorpusIndex:
    """A searcher over a markdown folder (ids = paths relative to it), vectors in an in-memory Chroma."""
    from engine.search.components import default_catalog
    from engine.search.hybrid import HybridSearcher, SearchDocument
    from jobs.runbooks.library import read_markdown_folder
    from storage.vector_store import ChromaVectorStore, make_ephemeral_chroma_client

    started = time.perf_counter()
    docs = [SearchDocument(d.source_path or d.title, d.search_text()) for d in read_markdown_folder(corpus)]
    vectors, embedded = None, 0
    if embedder is not None:
        texts = [d.text for d in docs]

        def embed(batch: list[str]) -> list[list[float]]:
            nonlocal embedded
            embedded += len(batch)
            return embedder.embed(batch)

        embeddings = cache.embed(corpus.name, texts, embed) if cache else embed(texts)
        vectors = ChromaVectorStore(make_ephemeral_chroma_client(), embedder.embed, embedder.name, prefix)
        vectors.clear()  # ephemeral clients share one store: start from an empty collection
        vectors.upsert([d.id for d in docs], texts, embeddings)
    searcher = HybridSearcher(docs, embedder, vectors, catalog=default_catalog())
    return CorpusIndex(searcher, len(docs), embedded, time.perf_counter() - started)


def _cache(settings: Settings, embedder: Embedder | None, enabled: bool) -> EmbeddingCache | None:
    from storage.embedding_cache import EmbeddingCache

    fingerprint = getattr(embedder, "fingerprint", None)  # only embedders that can say what they are
    if not enabled or not isinstance(fingerprint, str):
        return None
    return EmbeddingCache(settings.faultmaven_data_dir / "embedding-cache", fingerprint)


def cmd_eval_search(settings: Settings, args: argparse.Namespace) -> int:
    """Print recall@1/3/5, MRR and latency per corpus, as tables or JSON."""
    from bot.engines import build_embedder
    from engine.search.evaluation import evaluate, load_queries

    if len(args.queries) != len(args.corpus):
        print("give one --corpus for each --queries, in the same order", file=sys.stderr)
        return 2
    missing = [c for c in args.corpus if not Path(c).is_dir()]
    if missing:
        print(f"not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    embedder = build_embedder(settings)
    cache = _cache(settings, embedder, not args.no_cache)
    results: list[dict[str, object]] = []
    for n, (queries_file, corpus) in enumerate(zip(args.queries, args.corpus, strict=True)):
        queries = load_queries(Path(queries_file), args.split)
        index = corpus_searcher(Path(corpus), embedder, cache, prefix=f"eval{n}")
        report = evaluate(index.searcher, queries)
        if args.json:
            results.append(_as_json(corpus, args.split, len(queries), index, report))
            continue
        split = f" ({args.split} split)" if args.split else ""
        print(f"{len(queries)} queries{split} against {corpus}: {index.documents} runbooks")
        print(report.table())
        print(
            f"indexed in {index.seconds:.1f} s ({index.embedded} of {index.documents} documents embedded)\n"
        )
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
    else:
        print(f"search eval: {time.perf_counter() - started:.1f} s")
    return 0


def _as_json(
    corpus: str, split: str | None, queries: int, index: CorpusIndex, report: EvalReport
) -> dict[str, object]:
    return {
        "corpus": corpus,
        "split": split,
        "queries": queries,
        "documents": index.documents,
        "embedded": index.embedded,
        "figures": report.as_dict(),
        "p95_ms": round(report.percentile_ms(95), 2),
    }


def add_search_eval_parser(evals: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `eval search` under `eval`."""
    es = evals.add_parser("search", help="recall@1/3/5 and MRR for bm25, vector and hybrid")
    es.add_argument("--queries", action="append", required=True, help="JSONL lines; repeat per corpus")
    es.add_argument("--corpus", action="append", required=True, help="markdown folder; one per --queries")
    es.add_argument("--split", choices=["dev", "test"], help="only the queries of this split")
    es.add_argument("--no-cache", action="store_true", help="embed every document (ignore the disk cache)")
    es.add_argument("--json", action="store_true")
    es.set_defaults(func=cmd_eval_search)
