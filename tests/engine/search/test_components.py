"""The shipped component catalog: it loads, and role phrases and error strings lead to components."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.search.components import ComponentCatalog, default_catalog
from engine.search.text import tokenize


def test_shipped_catalog_loads_with_roles_and_errors_for_every_component() -> None:
    catalog = default_catalog()

    names = [c.name for c in catalog.components]
    assert len(names) == len(set(names)) >= 40
    for component in catalog.components:
        assert component.does and component.roles and component.errors, component.name
        assert all(tokenize(phrase) for phrase in component.roles), component.name


@pytest.mark.parametrize(
    ("text", "component"),
    [
        ("the node agent on worker-3 stopped reporting", "kubelet"),
        ("lookups against the cluster's DNS time out", "CoreDNS"),
        ("our metrics scraper has gaps since noon", "Prometheus"),
        ("the thing that routes our pages sent nothing overnight", "Alertmanager"),
        ("the pod autoscaler is stuck at the minimum", "horizontal pod autoscaler"),
        ("app logs say FATAL: sorry, too many clients already", "PostgreSQL"),
        ("etcdserver: mvcc: database space exceeded on writes", "etcd"),
    ],
)
def test_role_phrases_and_error_strings_point_at_the_component(text: str, component: str) -> None:
    assert component in [c.name for c in default_catalog().described_in(text)]


def test_expansion_adds_the_name_of_a_component_described_by_role() -> None:
    expanded = default_catalog().expand_query("the node agent is flapping")

    assert expanded.startswith("the node agent is flapping")
    assert "kubelet" in expanded.split("\n")[1:]


def test_expansion_leaves_a_query_that_already_names_the_component() -> None:
    query = "kubelet on the node agent host keeps restarting"

    assert default_catalog().expand_query(query) == query


def test_expansion_leaves_a_query_with_no_component_alone() -> None:
    query = "customers see a blank page after lunch"

    assert default_catalog().expand_query(query) == query


def test_enrichment_adds_the_canonical_name_of_what_the_title_names() -> None:
    text = "ELB not routing traffic\nThe listener forwards nothing."

    enriched = default_catalog().enrich_document(text)

    assert enriched.startswith(text)
    assert "load balancer" in enriched.split("\n")[2:]


def test_enrichment_ignores_components_mentioned_only_in_the_body() -> None:
    text = "Disk full on a host\nSometimes the kubelet evicts pods first."

    assert "kubelet" not in default_catalog().enrich_document(text).split("\n")[2:]


def test_a_catalog_without_components_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "components.yaml"
    empty.write_text("components: []\n", encoding="utf-8")

    with pytest.raises(ValidationError):
        ComponentCatalog.from_file(empty)


def test_a_bare_number_names_no_component() -> None:
    # "s3" tokenizes to "3"; without a guard every "0/3 nodes" would name the object store.
    assert default_catalog().named_in("3 of 5 replicas ready") == []
