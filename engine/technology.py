"""Which technologies a case names, and which technology a check or command is written for.

A PostgreSQL report must never get `mysql` commands, and a Redis report no JVM-heap or `kubectl`
advice: checks and actions for a technology the case does not name are dropped once it names any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Technology:
    """A product or platform people name in reports, and the commands that belong to it."""

    key: str
    display: str
    # How people name it in prose, logs and alert labels.
    named: re.Pattern[str]
    # Commands, tools and identifiers that only make sense for it (a check using them is "for" it).
    commands: re.Pattern[str]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


TECHNOLOGIES: tuple[Technology, ...] = (
    Technology(
        "postgresql",
        "PostgreSQL",
        _re(r"\bpostgres|\bpsql\b|\bpg_\w+|\bpgbouncer\b|\bpatroni\b|\bpg\b|\baurora postgres"),
        _re(r"\bpsql\b|\bpg_\w+|\bpgbouncer\b|\bpatronictl\b|\bvacuum(db)?\b"),
    ),
    Technology(
        "mysql",
        "MySQL",
        _re(r"\bmysql|\bmariadb\b|\binnodb\b|\bpercona\b|\bgalera\b|\bmysqld\b"),
        _re(r"\bmysql(admin|dump|d)?\b|\bpt-[a-z-]+|\binnodb\b|\bSHOW (ENGINE|SLAVE|REPLICA|PROCESSLIST)"),
    ),
    Technology(
        "redis",
        "Redis",
        _re(r"\bredis|\bmaxmemory\b|\bbgsave\b|\bsentinel\b|\belasticache\b"),
        _re(r"\bredis-(cli|server|sentinel)\b|\bmaxmemory\b|\bBGSAVE\b|\bCONFIG SET\b"),
    ),
    Technology(
        "kafka",
        "Kafka",
        _re(r"\bkafka|\bconsumer (group|lag)\b|\bunder.?replicated partitions?\b|\bISR\b|\bzookeeper\b"),
        _re(r"\bkafka[-_][\w.-]+|\bkcat\b|\bkafkacat\b"),
    ),
    Technology(
        "jvm",
        "the JVM",
        _re(
            r"\bjvm\b|\bjava\b|\bOutOfMemoryError\b|\bmetaspace\b|\bG1GC\b|\bspring boot\b"
            r"|\btomcat\b|\bjetty\b"
        ),
        _re(r"\bj(cmd|stat|map|stack|hsdb)\b|-Xm[xs]|\bJVM\b|\bheap dump\b|\bMaxMetaspaceSize\b|\bjava\b"),
    ),
    Technology(
        "kubernetes",
        "Kubernetes",
        _re(
            r"\bk8s\b|\bkubernetes\b|\bkubectl\b|\bkubelet\b|\bpods?\b|\bOOMKilled\b|\bCrashLoopBackOff\b"
            r"|\bImagePullBackOff\b|\bhelm\b|\beks\b|\bgke\b|\baks\b|\bnamespace\b|\bcoredns\b|\bingress\b"
        ),
        _re(r"\bkubectl\b|\bhelm\b|\bkubeadm\b|\bOOMKilled\b|\bpods?\b|\bHPA\b|\bdeployment/"),
    ),
    Technology(
        "nginx",
        "nginx",
        _re(r"\bnginx\b|\bupstream prematurely closed\b|\bworker_connections\b"),
        _re(r"\bnginx\b|\bworker_connections\b|\bproxy_\w+_timeout\b"),
    ),
    # Named in reports, but the knowledge base has no patterns for them: answers stay category-level.
    Technology(
        "elasticsearch",
        "Elasticsearch",
        _re(r"\belastic ?search|\bopensearch\b|\bcircuit_breaking_exception\b|\b_cluster/health\b"),
        _re(r"\b_cluster/|\b_cat/|\b_nodes/|\belasticsearch\b"),
    ),
    Technology(
        "mongodb",
        "MongoDB",
        _re(r"\bmongo|\breplica ?set primary\b|\bNotWritablePrimary\b"),
        _re(r"\bmongo(sh|stat|top|dump|restore)?\b|\brs\.status\(\)"),
    ),
    Technology(
        "cassandra",
        "Cassandra",
        _re(r"\bcassandra|\bscylla(db)?\b|\bnodetool\b"),
        _re(r"\bnodetool\b|\bcqlsh\b"),
    ),
    Technology(
        "rabbitmq",
        "RabbitMQ",
        _re(r"\brabbit|\bamqp\b"),
        _re(r"\brabbitmq(ctl|-diagnostics|-plugins)\b"),
    ),
    Technology(
        "memcached",
        "Memcached",
        _re(r"\bmemcached?\b"),
        _re(r"\bmemcached?\b|\bmemcstat\b"),
    ),
    Technology(
        "etcd",
        "etcd",
        _re(r"\betcd\b"),
        _re(r"\betcdctl\b"),
    ),
    Technology(
        "mssql",
        "SQL Server",
        _re(r"\bsql server\b|\bmssql\b"),
        _re(r"\bsqlcmd\b"),
    ),
)

BY_KEY = {t.key: t for t in TECHNOLOGIES}


def named_technologies(text: str) -> list[str]:
    """Keys of the technologies the text names, in the order of `TECHNOLOGIES`."""
    return [t.key for t in TECHNOLOGIES if t.named.search(text)]


def technologies_of_command(text: str) -> set[str]:
    """Keys of the technologies a check, command or action is written for (empty: technology-neutral)."""
    return {t.key for t in TECHNOLOGIES if t.commands.search(text)}


def is_foreign(text: str, named: list[str] | set[str]) -> bool:
    """True when the case names technologies and this check/command is for one it does not name."""
    if not named:
        return False
    return bool(technologies_of_command(text) - set(named))


def display(key: str) -> str:
    """A technology's name as people write it."""
    return BY_KEY[key].display if key in BY_KEY else key
