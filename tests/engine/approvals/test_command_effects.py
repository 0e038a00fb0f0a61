"""Policy floors from what a command does: verbs, SQL statements and flags, never a title's words."""

from __future__ import annotations

import pytest

from engine.approvals.command_effects import Effect, command_effects, effect_floor, is_executable
from engine.approvals.policy import ApprovalLevel
from engine.approvals.policy_file import load_policy
from engine.models import RiskLevel

ALTER_AND_RELOAD = "ALTER SYSTEM SET max_connections = 500; SELECT pg_reload_conf()"


@pytest.mark.parametrize(
    ("command", "effect"),
    [
        ('psql -c "SELECT count(*), state FROM pg_stat_activity GROUP BY state;"', Effect.READ),
        ("psql -c 'SELECT pg_reload_conf();'", Effect.DB_CONFIG),
        ("mysql -e 'SET GLOBAL max_connections = 500;'", Effect.DB_CONFIG),
        ("psql -c \"DELETE FROM sessions WHERE created < now() - interval '1 day'\"", Effect.DB_WRITE),
        ("psql -c 'DROP INDEX orders_idx'", Effect.DB_SCHEMA),
        ("kubectl -n shop get pods -o wide", Effect.READ),
        ("kubectl -n shop rollout status deployment/api", Effect.READ),
        ("kubectl scale deployment/api --replicas=3", Effect.CLUSTER_CHANGE),
        ("systemctl restart nginx", Effect.SERVICE_CHANGE),
        ("curl -X POST https://vendor.example/api/flags", Effect.CONFIG_CHANGE),
    ],
)
def test_each_command_is_read_by_its_structure(command: str, effect: Effect) -> None:
    assert command_effects(command) == {effect}


def test_a_semicolon_inside_quoted_sql_does_not_split_the_shell_command() -> None:
    assert command_effects("psql -c \"ALTER SYSTEM SET x = '1';\" -c 'SELECT pg_reload_conf();'") == {
        Effect.DB_CONFIG
    }


def test_database_config_changes_on_production_are_never_none() -> None:
    policy = load_policy()

    for command in (ALTER_AND_RELOAD, "mysql -e 'SET GLOBAL max_connections = 500;'"):
        decision = policy.decide(
            "Raise max_connections", "database/orders", RiskLevel.LOW, command, "production"
        )
        assert decision.level is ApprovalLevel.HARD and decision.critical
        assert (
            policy.decide("Raise it", "database/orders", RiskLevel.LOW, command).level is ApprovalLevel.SOFT
        )


def test_a_read_on_production_still_runs_at_once() -> None:
    decision = load_policy().decide(
        "Check", "database/orders", RiskLevel.LOW, "psql -c 'SHOW max_connections;'", "production"
    )

    assert decision.level is ApprovalLevel.NONE


def test_the_title_of_an_action_with_a_command_is_not_judged() -> None:
    decision = load_policy().decide(
        "Restore the upstream", "nginx", RiskLevel.LOW, "curl -s http://up/health"
    )

    assert decision.level is ApprovalLevel.NONE and decision.quorum.needed == 1


def test_production_changes_floor_at_hard_and_reads_set_no_floor() -> None:
    assert effect_floor("kubectl rollout restart deployment/api", production=True) == (
        "hard",
        "cluster change on production",
    )
    assert effect_floor("kubectl rollout restart deployment/api", production=False) == (
        "soft",
        "cluster change",
    )
    assert effect_floor("kubectl get pods", production=True) is None


@pytest.mark.parametrize(
    ("rollback", "runnable"),
    [
        ("n/a (clients reconnect; their open transactions are rolled back)", False),
        ("point DATABASE_URL back at the primary", False),
        ("kubectl rollout undo deployment/<name> -n <ns>", True),
        ("psql -c 'ALTER SYSTEM RESET idle_in_transaction_session_timeout;'", True),
        ("", False),
    ],
)
def test_only_commands_count_as_executable_rollbacks(rollback: str, runnable: bool) -> None:
    assert is_executable(rollback) is runnable
