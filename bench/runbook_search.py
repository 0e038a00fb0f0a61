"""p50/p95 of hybrid runbook search at 10,000 runbooks in the embedded Chroma store.

Synthesises 10k short runbooks from the shipped library's titles crossed with services and
symptoms, embeds them once with the packaged model, then times `HybridSearcher.search` (query
embedding + BM25 + Chroma HNSW + fusion) for a mix of paraphrase and symptom queries.
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
import time
from pathlib import Path

from engine.search.components import default_catalog
from engine.search.embedding import MiniLmOnnxEmbedder
from engine.search.hybrid import HybridSearcher, SearchDocument
from jobs.runbooks.library import read_markdown_folder
from storage.vector_store import ChromaVectorStore, make_chroma_client

SERVICES = [
    "checkout",
    "payments",
    "search",
    "auth",
    "billing",
    "orders",
    "inventory",
    "gateway",
    "ledger",
    "feeds",
]
ENVS = ["prod-eu", "prod-us", "staging", "edge", "batch"]
SYMPTOMS = [
    "error rate above 5%",
    "p99 latency doubled",
    "health checks failing",
    "pages from the on-call rotation",
    "customers report timeouts",
    "queue depth growing",
    "restarts every few minutes",
    "disk alerts firing",
]
QUERIES = [
    "redis rejects writes with OOM command not allowed",
    "pods stuck in pending, insufficient cpu",
    "postgres too many clients already",
    "TLS certificate expired on the load balancer",
    "kafka consumer group falling behind",
    "502 bad gateway from ingress after deploy",
    "node not ready, kubelet stopped posting status",
    "disk full on /var, no space left on device",
    "java.lang.OutOfMemoryError: Java heap space in checkout",
    "DNS lookups failing intermittently inside the cluster",
]


def synthesise(count: int, seed: int = 7) -> list[SearchDocument]:
    """`count` distinct short runbooks built from the shipped library's titles."""
    library = read_markdown_folder(Path(__file__).resolve().parents[1] / "runbooks")
    rng = random.Random(seed)
    combos = list(itertools.product(library, SERVICES, ENVS, SYMPTOMS))
    rng.shuffle(combos)
    docs = []
    for n, (draft, service, env, symptom) in enumerate(combos[:count]):
        summary = draft.sections.problem_summary[:160]
        text = f"{draft.title} in {service} ({env})\n{symptom}\n{summary}"
        docs.append(SearchDocument(f"syn-{n}", text))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    embedder = MiniLmOnnxEmbedder()
    docs = synthesise(args.docs)
    with tempfile.TemporaryDirectory(prefix="fm-bench-") as workdir:
        store = ChromaVectorStore(make_chroma_client(Path(workdir)), embedder.embed, embedder.name)
        started = time.perf_counter()
        store.upsert([d.id for d in docs], [d.text for d in docs])
        indexed = time.perf_counter() - started
        searcher = HybridSearcher(docs, embedder, store, catalog=default_catalog())
        for query in QUERIES:  # warm-up
            searcher.search(query)
        timings = []
        for n in range(args.queries):
            query = QUERIES[n % len(QUERIES)] + (
                "" if n < len(QUERIES) else f" {SERVICES[n % len(SERVICES)]}"
            )
            started = time.perf_counter()
            searcher.search(query, k=5)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    print(f"runbooks indexed: {len(docs)} (embedding + Chroma upsert {indexed:.0f} s)")
    print(
        f"hybrid search over {len(docs)} runbooks, {len(timings)} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
    )


if __name__ == "__main__":
    main()
