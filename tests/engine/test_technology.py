"""The named technology is respected: found in prose, logs and alert labels; foreign commands spotted."""

from __future__ import annotations

import pytest

from engine.knowledge.patterns_model import load_patterns
from engine.offline import applies
from engine.technology import is_foreign, named_technologies, technologies_of_command

PATTERNS = {p.id: p for p in load_patterns()}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("prod postgres primary at max_connections", ["postgresql"]),
        ("FATAL: remaining connection slots are reserved; pgbouncer pool full", ["postgresql"]),
        ("alertname=RedisMemoryHigh instance=cache-01", ["redis"]),
        ("ERROR 1040 (HY000): Too many connections from mysqld", ["mysql"]),
        ("es data nodes throw circuit_breaking_exception", ["elasticsearch"]),
        ("checkout API returning 502s since the 14:05 deploy", []),
    ],
)
def test_technologies_are_found_in_prose_logs_and_alert_labels(text: str, named: list[str]) -> None:
    assert named_technologies(text) == named


def test_commands_for_another_stack_are_foreign_only_once_a_stack_is_named() -> None:
    assert technologies_of_command("mysql -e 'SHOW PROCESSLIST'") == {"mysql"}
    assert is_foreign("mysql -e 'SHOW PROCESSLIST'", ["postgresql"])
    assert is_foreign("kubectl describe pod <pod>", ["redis"])
    assert not is_foreign("psql -c 'SHOW max_connections;'", ["postgresql"])
    assert not is_foreign("df -h and dmesg | tail", ["redis"])
    assert not is_foreign("kubectl rollout undo deployment/<name>", [])


def test_patterns_for_other_products_do_not_apply_to_a_named_stack() -> None:
    assert not applies(PATTERNS["mysql-max-connections"], ["postgresql"])
    assert not applies(PATTERNS["k8s-oomkilled"], ["redis"])
    assert applies(PATTERNS["redis-maxmemory-oom"], ["redis"])
    assert applies(PATTERNS["linux-oom-killer"], ["redis"])
    assert applies(PATTERNS["mysql-max-connections"], [])
