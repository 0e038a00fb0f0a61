"""Facts a case states about itself, and filling an action's placeholders from them."""

from __future__ import annotations

from engine.case_facts import CaseFacts, extract_case_facts, fill_placeholders, unfilled_placeholders


def test_a_report_that_says_prod_is_about_production() -> None:
    facts = extract_case_facts(
        None, ["prod postgres primary at max_connections, app logs 'too many connections'"]
    )

    assert facts.is_production and facts.database is None and facts.service is None


def test_alert_labels_name_the_namespace_host_database_and_environment() -> None:
    labels = "Labels: alertname=PgConns, env=prd, namespace=shop, instance=db-1:9187, datname=orders"

    facts = extract_case_facts("checkout", [labels])

    assert facts == CaseFacts(
        service="checkout",
        namespace="shop",
        deployment="checkout",
        host="db-1:9187",
        database="orders",
        environment="production",
    )


def test_production_wins_over_a_channel_configured_as_staging() -> None:
    assert extract_case_facts(None, ["checkout 500s"], "staging").environment == "staging"
    assert extract_case_facts(None, ["checkout 500s, env=production"], "staging").is_production
    assert extract_case_facts(None, ["checkout 500s"], "prod").is_production


def test_the_report_text_names_a_database_and_a_deployment() -> None:
    facts = extract_case_facts(None, ["the orders database refuses connections after deployment/api -n shop"])

    assert (facts.database, facts.deployment, facts.namespace) == ("orders", "api", "shop")


def test_placeholders_are_filled_only_where_the_case_knows_the_answer() -> None:
    facts = CaseFacts(service="api", namespace="shop", database="orders")

    filled = fill_placeholders("kubectl set env deployment/<name> -n <ns> POOL=<smaller> # <db>", facts)

    assert filled == "kubectl set env deployment/api -n shop POOL=<smaller> # orders"
    assert unfilled_placeholders(filled) == ["<smaller>"]


def test_slack_mentions_are_not_placeholders() -> None:
    assert unfilled_placeholders("ask <@U123> and <!subteam^S1> in <#C1>") == []


def test_a_host_named_in_prose_fills_the_host_but_regions_and_plain_words_do_not() -> None:
    assert extract_case_facts(None, ["redis is OOM-killing on cache-01"]).host == "cache-01"
    assert extract_case_facts(None, ["node ip-10-0-3-7.ec2.internal NotReady"]).host == (
        "ip-10-0-3-7.ec2.internal"
    )
    for text in (
        "outage on us-east-1",
        "crashing on k8s",
        "disk full on the primary",
        "deployed on 2024-05-01",
    ):
        assert extract_case_facts(None, [text]).host is None, text
    facts = extract_case_facts(None, ["redis is OOM-killing on cache-01"])
    assert fill_placeholders("redis-cli -h <host> INFO memory", facts) == "redis-cli -h cache-01 INFO memory"
