"""Evidence pulled out of pasted logs points at the right categories."""

from __future__ import annotations

import pytest

from engine.evidence import extract_facts
from engine.models import Category


@pytest.mark.parametrize(
    ("log", "category"),
    [
        ("Last State: Terminated  Reason: OOMKilled  Exit Code: 137", Category.RESOURCE_EXHAUSTION),
        ("container exited with code 137", Category.RESOURCE_EXHAUSTION),
        ("tls: failed to verify certificate: x509: certificate has expired", Category.CERTIFICATE_EXPIRY),
        ("Error: connect ECONNREFUSED 10.0.4.12:6379", Category.DEPENDENCY_OUTAGE),
        ("FATAL: sorry, too many clients already", Category.DATABASE),
        ("upstream returned HTTP 503 Service Unavailable", Category.DEPENDENCY_OUTAGE),
        ("dial tcp: lookup orders on 10.96.0.10:53: no such host", Category.NETWORK_DNS),
        ("write /var/log/app.log: no space left on device", Category.RESOURCE_EXHAUSTION),
        ("ERROR 1062: Duplicate entry '2147483647' for key 'PRIMARY'", Category.DATABASE),
    ],
)
def test_log_lines_become_facts_pointing_at_their_category(log: str, category: Category) -> None:
    facts = extract_facts(log)

    assert facts and facts[0].categories[0] == category


def test_plain_prose_yields_no_facts() -> None:
    assert extract_facts("the dashboard feels a bit sluggish today") == []


def test_an_integer_maximum_is_a_fact_only_as_a_whole_number() -> None:
    assert extract_facts("order id 21474836470 looks odd") == []
    assert "2147483647" in extract_facts("next id would be 2147483647")[0].label
