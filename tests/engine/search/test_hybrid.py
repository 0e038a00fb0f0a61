"""Search ranking on the shipped runbooks, through the real model and an embedded Chroma."""

from __future__ import annotations

import pytest

from engine.search.hybrid import HybridSearcher, SearchDocument, SearchMode
from jobs.runbooks.library import RunbookLibrary

CASES = [
    (
        "redis-oom-command-not-allowed.md",
        "redis: OOM command not allowed when used memory > maxmemory on SET",
    ),
    ("postgres-too-many-connections.md", "FATAL: sorry, too many clients already on orders-db"),
    ("k8s-pods-pending-unschedulable.md", "new pods never start: 0/6 nodes are available, insufficient cpu"),
    ("tls-certificate-expired.md", "browsers say NET::ERR_CERT_DATE_INVALID on api.example.com"),
    ("kafka-consumer-lag.md", "the orders consumer group is hours behind and lag keeps growing"),
]


@pytest.mark.parametrize(("expected", "query"), CASES)
def test_hybrid_puts_the_right_shipped_runbook_first(
    runbook_library: RunbookLibrary, expected: str, query: str
) -> None:
    results = runbook_library.search(query, k=3)

    assert results[0].runbook.source_path == expected
    assert results[0].hit.similarity is not None and results[0].hit.similarity > 0.35


def test_only_active_runbooks_are_found(runbook_library: RunbookLibrary) -> None:
    top = runbook_library.search("redis OOM command not allowed", k=1)[0].runbook
    runbook_library.repo.update(top.id, status="archived")
    runbook_library.index_ids([top.id])

    assert top.id not in [r.runbook.id for r in runbook_library.search("redis OOM command not allowed", k=5)]


def test_bm25_alone_works_without_vectors() -> None:
    docs = [SearchDocument("a", "disk full no space left on device"), SearchDocument("b", "dns nxdomain")]
    searcher = HybridSearcher(docs)

    hits = searcher.search("no space left", mode=SearchMode.HYBRID)
    assert [h.id for h in hits] == ["a"]
    assert searcher.search("completely unrelated words") == []


ROLE_CASES = [
    ("k8s-node-notready.md", "the node agent on two workers stopped checking in and they show NotReady"),
    ("coredns-kubernetes-dns-failures.md", "pods can't resolve anything, the cluster's DNS looks unhealthy"),
    ("k8s-hpa-at-max-replicas.md", "the pod autoscaler is pinned at its ceiling and latency keeps climbing"),
]


@pytest.mark.parametrize(("expected", "query"), ROLE_CASES)
def test_a_component_named_by_its_role_finds_its_shipped_runbook_first(
    runbook_library: RunbookLibrary, expected: str, query: str
) -> None:
    results = runbook_library.search(query, k=3)

    assert results[0].runbook.source_path == expected


def test_keyword_search_reads_a_role_as_the_component_it_describes(runbook_library: RunbookLibrary) -> None:
    # No word of this query is in the HPA runbook's title; "pod autoscaler" is a role phrase.
    top = runbook_library.search("the pod autoscaler does nothing", k=1, mode=SearchMode.BM25)[0]

    assert top.runbook.source_path == "k8s-hpa-at-max-replicas.md"
    assert top.hit.bm25_rank == 1
