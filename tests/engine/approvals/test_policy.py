from __future__ import annotations

from typing import Any

import pytest

from engine.approvals.patterns import command_segments, matches
from engine.approvals.policy import ApprovalLevel, ApprovalPolicy, PolicyDecision, Quorum
from engine.models import RiskLevel


def policy(**fields: Any) -> ApprovalPolicy:
    return ApprovalPolicy.model_validate(fields)


RULES = [
    {"name": "no-drop", "actions": ["*drop database*"], "level": "forbidden"},
    {"name": "db-failover", "actions": ["*failover*"], "level": "hard", "quorum": "require_two"},
    {"name": "prod-restart", "actions": ["*restart*"], "targets": ["*prod*"], "level": "hard"},
    {"name": "restart", "actions": ["*restart*"], "level": "soft", "undo_seconds": 90},
    {"name": "read-only", "actions": ["kubectl get *"], "level": "none"},
]


def test_each_level_comes_from_the_first_matching_rule() -> None:
    p = policy(rules=RULES)

    assert p.decide("Drop database orders", "orders", RiskLevel.LOW).level is ApprovalLevel.FORBIDDEN
    assert p.decide("Failover orders", "orders", RiskLevel.LOW).level is ApprovalLevel.HARD
    assert p.decide("Restart payments", "payments", RiskLevel.HIGH).level is ApprovalLevel.SOFT
    assert p.decide("Check pods", "payments", RiskLevel.HIGH, "kubectl get pods").level is ApprovalLevel.NONE


def test_first_match_wins_so_rule_order_matters() -> None:
    in_order = policy(rules=RULES).decide("Restart payments", "payments-prod", RiskLevel.LOW)
    swapped = policy(rules=[RULES[3], RULES[2]]).decide("Restart payments", "payments-prod", RiskLevel.LOW)

    assert (in_order.level, in_order.rule) == (ApprovalLevel.HARD, "prod-restart")
    assert (swapped.level, swapped.rule) == (ApprovalLevel.SOFT, "restart")


def test_decision_carries_the_rule_quorum_timeouts_and_allow_list() -> None:
    rule = {
        "name": "dba-only",
        "actions": ["*vacuum*"],
        "level": "hard",
        "quorum": "require_two",
        "approvers": ["U0DBA1", "U0DBA2", "S0DBAS"],
        "timeout_seconds": 900,
        "undo_seconds": 60,
    }

    decision = policy(rules=[rule]).decide("Vacuum full orders", "orders", RiskLevel.MEDIUM)

    assert decision == PolicyDecision(
        level=ApprovalLevel.HARD,
        quorum=Quorum.REQUIRE_TWO,
        approvers=("U0DBA1", "U0DBA2", "S0DBAS"),
        timeout_seconds=900,
        undo_seconds=60,
        rule="dba-only",
        critical=False,
    )


@pytest.mark.parametrize(
    ("risk", "level", "quorum"),
    [
        (RiskLevel.LOW, ApprovalLevel.NONE, Quorum.REQUIRE_ONE),
        (RiskLevel.MEDIUM, ApprovalLevel.SOFT, Quorum.REQUIRE_ONE),
        (RiskLevel.HIGH, ApprovalLevel.HARD, Quorum.REQUIRE_ONE),
        (RiskLevel.CRITICAL, ApprovalLevel.HARD, Quorum.REQUIRE_TWO),
    ],
)
def test_risk_defaults_apply_when_no_rule_matches(risk, level, quorum) -> None:
    decision = policy(rules=RULES).decide("Rotate the TLS cert", "edge", risk)

    assert (decision.level, decision.quorum, decision.approvers) == (level, quorum, ())
    assert decision.rule == f"{risk}-risk-default"
    assert decision.timeout_seconds == 300


def test_a_policy_may_override_some_risk_defaults_and_keep_the_rest() -> None:
    p = policy(risk_defaults={"low": {"level": "soft", "undo_seconds": 30}})

    assert p.decide("x", "y", RiskLevel.LOW).level is ApprovalLevel.SOFT
    assert p.decide("x", "y", RiskLevel.LOW).undo_seconds == 30
    assert p.decide("x", "y", RiskLevel.CRITICAL).quorum is Quorum.REQUIRE_TWO


def test_rule_limited_to_some_risks_only_matches_those() -> None:
    rule = {"name": "risky-scale", "actions": ["*scale*"], "risks": ["high", "critical"], "level": "hard"}
    p = policy(rules=[rule])

    assert p.decide("Scale api", "api", RiskLevel.HIGH).rule == "risky-scale"
    assert p.decide("Scale api", "api", RiskLevel.LOW).rule == "low-risk-default"


def test_critical_target_raises_soft_to_hard_with_one_approver() -> None:
    p = policy(rules=RULES, critical_targets=["grafana*"])

    decision = p.decide("Restart grafana", "grafana-main", RiskLevel.LOW)

    assert (decision.level, decision.quorum, decision.rule) == (
        ApprovalLevel.HARD,
        Quorum.REQUIRE_ONE,
        "restart",
    )
    assert decision.critical


def test_critical_target_keeps_forbidden_hard_quorum_and_none() -> None:
    p = policy(rules=RULES, critical_targets=["re:^(pg|mysql)-prod"])

    forbidden = p.decide("Drop database orders", "pg-prod-1", RiskLevel.LOW)
    hard = p.decide("Failover", "mysql-prod-2", RiskLevel.LOW)
    read = p.decide("Check", "pg-prod-1", RiskLevel.LOW, "kubectl get pods")

    assert (forbidden.level, forbidden.critical) == (ApprovalLevel.FORBIDDEN, True)
    assert (hard.level, hard.quorum, hard.critical) == (ApprovalLevel.HARD, Quorum.REQUIRE_TWO, True)
    assert (read.level, read.critical) == (ApprovalLevel.NONE, True)


def test_critical_targets_match_globs_and_regexes_case_insensitively() -> None:
    p = policy(critical_targets=["prometheus*", "re:^(pg|mysql)-prod"])

    assert p.is_critical("Prometheus-K8s")
    assert p.is_critical("PG-PROD-orders")
    assert not p.is_critical("staging-pg-prod")
    assert not p.is_critical("")


def test_action_patterns_match_the_command_text_as_well_as_the_name() -> None:
    p = policy(rules=RULES)

    decision = p.decide("Clean up", "orders", RiskLevel.LOW, "psql -c 'DROP DATABASE orders'")

    assert decision.level is ApprovalLevel.FORBIDDEN


def test_a_read_only_prefix_cannot_carry_a_destructive_command_through() -> None:
    p = policy(rules=RULES)

    chained = p.decide("Check", "orders", RiskLevel.LOW, "kubectl get pods && psql -c 'drop database x'")
    unknown_tail = p.decide("Check", "orders", RiskLevel.HIGH, "kubectl get pods; curl -X DELETE http://a/b")

    assert chained.level is ApprovalLevel.FORBIDDEN
    assert (unknown_tail.level, unknown_tail.rule) == (ApprovalLevel.HARD, "high-risk-default")


def test_a_matching_command_is_not_overruled_by_an_unmatched_action_title() -> None:
    decision = policy(rules=RULES).decide("Check pod status", "payments", RiskLevel.HIGH, "kubectl get pods")

    assert decision.level is ApprovalLevel.NONE


def test_a_title_is_judged_only_when_there_is_no_command() -> None:
    p = policy(rules=RULES)

    with_command = p.decide("Failover orders", "orders", RiskLevel.LOW, "kubectl get pods")
    title_only = p.decide("Failover orders", "orders", RiskLevel.LOW)

    assert (with_command.level, with_command.rule) == (ApprovalLevel.NONE, "read-only")
    assert (title_only.level, title_only.rule) == (ApprovalLevel.HARD, "db-failover")


def test_command_segments_split_at_shell_separators() -> None:
    assert command_segments("a; b && c || d | e & f\n g `h` $(i) > j") == [
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i)",
        "j",
    ]
    assert command_segments("") == []


def test_glob_matching_ignores_case_and_extra_spaces() -> None:
    assert matches("*rm -rf*", "sudo RM   -RF /var/lib")
    assert not matches("kubectl get *", "kubectl delete pod x")
    assert matches(r"re:\bdrop\s+table\b", "DROP   TABLE x")


@pytest.mark.parametrize(
    ("decision", "line"),
    [
        (
            PolicyDecision(ApprovalLevel.HARD, Quorum.REQUIRE_TWO, (), 300, 120, "prod-databases", True),
            "hard · 2 approvers · rule prod-databases · critical target",
        ),
        (
            PolicyDecision(ApprovalLevel.HARD, Quorum.REQUIRE_ONE, ("U0A",), 300, 120, "dba", False),
            "hard · 1 approver from allow-list · rule dba",
        ),
        (
            PolicyDecision(ApprovalLevel.SOFT, Quorum.REQUIRE_ONE, (), 300, 120, "cache-flush", False),
            "soft · undo within 2 min · rule cache-flush",
        ),
        (
            PolicyDecision(ApprovalLevel.NONE, Quorum.REQUIRE_ONE, (), 300, 120, "read-only", False),
            "none · runs at once · rule read-only",
        ),
        (
            PolicyDecision(ApprovalLevel.FORBIDDEN, Quorum.REQUIRE_ONE, (), 300, 120, "no-drop", False),
            "forbidden · never runs · rule no-drop",
        ),
    ],
)
def test_decision_describes_itself_in_one_line(decision, line) -> None:
    assert decision.describe() == line


def test_quorum_says_how_many_approvers_it_needs() -> None:
    assert (Quorum.REQUIRE_ONE.needed, Quorum.REQUIRE_TWO.needed) == (1, 2)
