"""Credentials in an action's parameters are refused, by name or by value, with a hint where they belong."""

from __future__ import annotations

import pytest

from engine.actions.credentials import CREDENTIALS_HINT, credential_parameters, credential_refusal
from tests.engine.test_redaction_corpus import secret_samples


@pytest.mark.parametrize(
    "name",
    ["password", "DB_PASSWORD", "token", "api_key", "apiKey", "secret", "client_secret", "private_key"],
)
def test_a_parameter_named_like_a_credential_is_refused_whatever_its_value(name: str) -> None:
    refusal = credential_refusal({name: "x", "replicas": "3"})

    assert refusal is not None and f"`{name}`" in refusal and CREDENTIALS_HINT in refusal
    assert "`replicas`" not in refusal


def test_a_secret_in_an_innocent_parameter_is_refused_too() -> None:
    # A bare password has no shape to recognise; in its context (a DSN, `token=…`) it has.
    for sample in secret_samples():
        assert credential_parameters({"note": sample.text}) == ["note"], sample.kind


def test_ordinary_parameters_pass() -> None:
    ordinary = {
        "replicas": "3",
        "service": "checkout",
        "namespace": "payments",
        "image": "registry.internal/shop/checkout:v2.14.3",
        "revision": "9f2c1e4b7a0d3c5e8f1a2b3c4d5e6f7a8b9c0d1e",
        "request_id": "6da8052d-bd28-434a-9118-30c4864b847f",
        "author": "jane",
    }
    assert credential_refusal(ordinary) is None
