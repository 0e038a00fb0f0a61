"""What a case says about where it happens (service, namespace, host, database, environment), and filling
an action's `<placeholders>` from it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel

PRODUCTION = "production"

# `key=value` / `key: value` as alert labels and pasted PagerDuty fields write them.
_LABEL = re.compile(
    r"\b(?P<key>env|environment|namespace|kubernetes_namespace|ns|deployment|instance|host|hostname|node"
    r"|database|datname|db|service|app|job)\s*[=:]\s*[\"']?(?P<value>[A-Za-z0-9][A-Za-z0-9._:/-]{0,99})",
    re.IGNORECASE,
)
_NAMESPACE_FLAG = re.compile(
    r"(?:\s-n\s+|--namespace[= ]|\bnamespace\s+)(?P<value>[a-z0-9][a-z0-9-]{0,62})\b"
)
# A host named in prose ("OOM-killing on cache-01", "node ip-10-0-3-7.ec2.internal"): a name with a
# digit and a `-` or `.`, so "on checkout", "on k8s" or "on the primary" are never taken for hosts;
# cloud regions ("on us-east-1") are not hosts either.
_HOST_IN_PROSE = re.compile(
    r"\b(?:on|host|server|node|instance)\s+"
    r"(?P<value>(?=[a-z0-9.-]*\d)(?![a-z]{2}-(?:north|south|east|west|central)[a-z]*-\d(?![a-z0-9.-]))[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+)\b",
    re.IGNORECASE,
)
_DEPLOYMENT_REF = re.compile(r"\b(?:deployment|deploy)/(?P<value>[a-z0-9][a-z0-9.-]{0,62})\b")
_DATABASE_WORDS = re.compile(
    r"\b(?:database|db)\s+[\"'`]?(?P<after>[A-Za-z_][A-Za-z0-9_-]{0,62})\b"
    r"|\b(?P<before>[A-Za-z_][A-Za-z0-9_-]{0,62})\s+(?:database|db)\b",
    re.IGNORECASE,
)
# Words that follow or precede "database" without naming one ("the database is down").
_NOT_A_NAME = {
    "the", "a", "an", "is", "was", "are", "has", "and", "or", "at", "on", "in", "to", "of", "for", "our",
    "primary", "replica", "server", "connections", "connection", "refusing", "down", "slow", "prod",
    "production", "staging", "postgres", "postgresql", "mysql", "main", "this", "that", "any", "no",
}  # fmt: skip
_ENVIRONMENT_WORDS = (
    (PRODUCTION, re.compile(r"\b(prod|production|prd|live)\b", re.IGNORECASE)),
    ("staging", re.compile(r"\b(staging|stage|stg)\b", re.IGNORECASE)),
    ("development", re.compile(r"\b(dev|development)\b", re.IGNORECASE)),
)
_PLACEHOLDER = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9_-]{0,40})>")
_FACT_FOR_PLACEHOLDER = {
    "db": "database",
    "database": "database",
    "dbname": "database",
    "name": "deployment",
    "deployment": "deployment",
    "deploy": "deployment",
    "ns": "namespace",
    "namespace": "namespace",
    "service": "service",
    "svc": "service",
    "app": "service",
    "host": "host",
    "instance": "host",
    "node": "host",
    "env": "environment",
    "environment": "environment",
}


class CaseFacts(BaseModel):
    """Concrete names a case mentions; None where nothing said it."""

    service: str | None = None
    namespace: str | None = None
    deployment: str | None = None
    host: str | None = None
    database: str | None = None
    environment: str | None = None

    @property
    def is_production(self) -> bool:
        """Whether the case is about production."""
        return self.environment == PRODUCTION


def normalise_environment(word: str) -> str:
    """`prod`, `prd`, `live` → production; `stg` → staging; other names as written (lower case)."""
    for name, pattern in _ENVIRONMENT_WORDS:
        if pattern.fullmatch(word.strip()):
            return name
    return word.strip().lower()


def _labels(texts: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in texts:
        for match in _LABEL.finditer(text):
            found.setdefault(match.group("key").lower(), match.group("value"))
    return found


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _database_named(texts: Iterable[str]) -> str | None:
    for text in texts:
        for match in _DATABASE_WORDS.finditer(text):
            name = match.group("after") or match.group("before")
            if name and name.lower() not in _NOT_A_NAME:
                return name
    return None


def _environment(labels: dict[str, str], texts: list[str], channel_environment: str | None) -> str | None:
    """Production wins whenever any source says so: a wrong "production" costs an approval, a wrong
    "staging" runs a production change unreviewed."""
    said = [normalise_environment(v) for v in (labels.get("env"), labels.get("environment")) if v]
    if channel_environment:
        said.append(normalise_environment(channel_environment))
    for name, pattern in _ENVIRONMENT_WORDS:
        if any(pattern.search(text) for text in texts):
            said.append(name)
    if PRODUCTION in said:
        return PRODUCTION
    return said[0] if said else None


def extract_case_facts(
    service_field: str | None, texts: list[str], channel_environment: str | None = None
) -> CaseFacts:
    """Facts from the form's Service field, the report and alert text, and the channel's environment."""
    labels = _labels(texts)
    joined = "\n".join(texts)
    namespace_flag = _NAMESPACE_FLAG.search(joined)
    namespace = _first(
        labels.get("namespace"),
        labels.get("kubernetes_namespace"),
        labels.get("ns"),
        namespace_flag.group("value") if namespace_flag else None,
    )
    service = _first(
        service_field.strip() if service_field else None, labels.get("service"), labels.get("app")
    )
    deployment_ref = _DEPLOYMENT_REF.search(joined)
    host_in_prose = _HOST_IN_PROSE.search(joined)
    return CaseFacts(
        service=service,
        namespace=namespace,
        deployment=_first(labels.get("deployment"), deployment_ref.group("value") if deployment_ref else None)
        or service,
        host=_first(
            labels.get("instance"),
            labels.get("host"),
            labels.get("hostname"),
            labels.get("node"),
            host_in_prose.group("value") if host_in_prose else None,
        ),
        database=_first(labels.get("database"), labels.get("datname"), labels.get("db"))
        or _database_named(texts),
        environment=_environment(labels, texts, channel_environment),
    )


def fill_placeholders(text: str, facts: CaseFacts) -> str:
    """Replace each `<placeholder>` the facts can answer; unknown ones stay for a person to fill."""

    def fill(match: re.Match[str]) -> str:
        fact = _FACT_FOR_PLACEHOLDER.get(match.group("name").lower())
        value = getattr(facts, fact) if fact else None
        if value is None and fact == "deployment":
            value = facts.service  # a service's deployment is usually named after it
        return str(value) if value else match.group(0)

    return _PLACEHOLDER.sub(fill, text)


def unfilled_placeholders(text: str) -> list[str]:
    """The `<placeholder>` names still in the text (Slack's own `<@U…>`/`<!…>`/`<#C…>` are not ones)."""
    return list(dict.fromkeys(m.group(0) for m in _PLACEHOLDER.finditer(text)))


def fill_values(text: str, values: dict[str, str]) -> str:
    """Replace `<name>` with the value a person typed for it (empty values leave it unfilled)."""

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group("name")) or match.group(0)

    return _PLACEHOLDER.sub(fill, text)
