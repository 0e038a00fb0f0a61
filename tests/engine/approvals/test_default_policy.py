from __future__ import annotations

import pytest

from engine.approvals.policy import DEFAULT_POLICY_PATH, ApprovalLevel, ApprovalPolicy, Quorum
from engine.approvals.policy_file import load_policy
from engine.knowledge.patterns_model import load_patterns
from engine.models import RiskLevel

L, M, H = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH
NONE, SOFT, HARD, FORBIDDEN = (
    ApprovalLevel.NONE,
    ApprovalLevel.SOFT,
    ApprovalLevel.HARD,
    ApprovalLevel.FORBIDDEN,
)
ONE, TWO = Quorum.REQUIRE_ONE, Quorum.REQUIRE_TWO


@pytest.fixture(scope="module")
def shipped() -> ApprovalPolicy:
    return load_policy(DEFAULT_POLICY_PATH)


@pytest.mark.parametrize(
    ("action", "target", "risk", "command", "level", "quorum"),
    [
        # forbidden, whatever the risk the proposer claimed
        ("Drop the orders database", "orders", L, "", FORBIDDEN, ONE),
        ("Drop idle database connections", "orders", L, "", NONE, ONE),
        ("Clean up", "orders", L, "psql -c 'DROP DATABASE orders'", FORBIDDEN, ONE),
        ("Free disk", "web-1", L, "sudo rm -rf /var/lib/app", FORBIDDEN, ONE),
        ("Free disk", "web-1", L, "rm -r -f /var/lib/app", FORBIDDEN, ONE),
        ("Reset", "payments", L, "kubectl delete namespace payments", FORBIDDEN, ONE),
        ("Reset", "payments", L, "kubectl delete ns payments", FORBIDDEN, ONE),
        ("Disable alerting for the night", "alertmanager", L, "", FORBIDDEN, ONE),
        ("Quiet", "monitoring", L, "kubectl scale deploy/alertmanager --replicas=0", FORBIDDEN, ONE),
        # two people
        ("Fail over the primary", "orders-db", M, "", HARD, TWO),
        (
            "Promote replica",
            "orders-db",
            M,
            "aws rds promote-read-replica --db-instance-identifier r1",
            HARD,
            TWO,
        ),
        ("Restore from backup", "orders-db", M, "", HARD, TWO),
        ("Add column", "orders-db", M, "psql -c 'ALTER TABLE orders ADD COLUMN x int'", HARD, TWO),
        ("Remove bad rows", "orders-db", M, "psql -c 'DELETE FROM orders WHERE id < 10'", HARD, TWO),
        ("Empty table", "orders-db", M, "psql -c 'TRUNCATE events'", HARD, TWO),
        # one other person in production
        ("Restart payments", "payments-prod", L, "kubectl rollout restart deployment/payments", HARD, ONE),
        (
            "Roll back the deploy",
            "checkout-production",
            L,
            "kubectl rollout undo deployment/checkout",
            HARD,
            ONE,
        ),
        ("Scale down workers", "workers-prod", L, "kubectl scale deployment/workers --replicas=1", HARD, ONE),
        ("Kill the stuck query", "orders", L, "SELECT pg_terminate_backend(4242)", HARD, ONE),
        # soft: run now, with an Undo window
        ("Scale up api", "api-prod", L, "", SOFT, ONE),
        ("Flush the cache", "session-cache", L, "", SOFT, ONE),
        ("Toggle feature flag new-checkout off", "checkout", H, "", SOFT, ONE),
        # read-only checks run at once
        ("Look at pods", "payments", M, "kubectl get pods -n payments", NONE, ONE),
        ("Look at pods", "payments", M, "kubectl -n payments describe pod api-1", NONE, ONE),
        ("Read logs", "payments", M, "kubectl logs api-1 -n payments --previous --tail=200", NONE, ONE),
        ("Count orders", "orders", M, "SELECT count(*) FROM orders", NONE, ONE),
        ("Unit state", "web-1", M, "systemctl status nginx", NONE, ONE),
    ],
)
def test_shipped_policy_decides_the_documented_examples(
    shipped, action, target, risk, command, level, quorum
):
    decision = shipped.decide(action, target, risk, command)

    assert (decision.level, decision.quorum) == (level, quorum), decision.describe()


@pytest.mark.parametrize(
    ("action", "target", "command"),
    [
        ("Flush the cache", "payments-prod-db", ""),
        ("Scale up", "prometheus-k8s", ""),
        ("Toggle flag", "grafana", ""),
        ("Flush", "pg-prod-orders", "redis-cli FLUSHALL"),
        ("Restart coredns", "kube-system", ""),
    ],
)
def test_shipped_critical_targets_raise_soft_actions_to_hard(shipped, action, target, command) -> None:
    decision = shipped.decide(action, target, RiskLevel.MEDIUM, command)

    assert (decision.level, decision.critical) == (HARD, True), decision.describe()


@pytest.mark.parametrize(
    "command",
    [
        "kubectl delete pod get-x",
        "kubectl get pods; kubectl scale deployment/api --replicas=0 -n prod",
        "kubectl get pods $(kubectl delete pod x)",
        "SELECT * INTO backup FROM orders",
        "journalctl --vacuum-size=10M",
    ],
)
def test_shipped_read_only_rule_does_not_cover_writes_dressed_as_reads(shipped, command) -> None:
    assert shipped.decide("Check", "payments-prod", RiskLevel.HIGH, command).level is HARD


def test_shipped_policy_has_local_templates_with_rollback_and_verify(shipped) -> None:
    assert shipped.commands["echo_restart"].rollback == "echo_rollback"
    assert shipped.commands["echo_restart"].verify == "echo_verify"
    assert shipped.commands["restart_unit"].verify == "unit_status"
    assert shipped.decide("echo_verify", "payments-prod", RiskLevel.MEDIUM).level is NONE


def test_every_action_in_the_shipped_failure_patterns_gets_a_decision(shipped) -> None:
    levels = {
        shipped.decide(a.title, a.target, a.risk, a.command).level for p in load_patterns() for a in p.actions
    }

    assert levels <= set(ApprovalLevel)
    assert HARD in levels and NONE in levels
