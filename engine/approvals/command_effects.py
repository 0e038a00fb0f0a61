"""What a command does, read from its structure (program, verb, SQL statement, flags), never from the
action's title: the policy's floor for database, config and infrastructure changes rests on this."""

from __future__ import annotations

import re
import shlex
from enum import StrEnum

from engine.approvals.patterns import command_segments


class Effect(StrEnum):
    READ = "read"
    DB_CONFIG = "database config change"
    DB_WRITE = "database write"
    DB_SCHEMA = "database schema change"
    DB_SESSIONS = "database sessions"
    DB_MAINTENANCE = "database maintenance"
    CLUSTER_CHANGE = "cluster change"
    SERVICE_CHANGE = "service restart"
    CONFIG_CHANGE = "config change"
    UNKNOWN = "unknown"


_READ_PROGRAMS = {
    "cat", "dig", "nslookup", "df", "du", "free", "uptime", "grep", "egrep", "tail", "head", "less", "ls",
    "ps", "top", "journalctl", "ss", "netstat", "echo", "openssl", "mysqlbinlog", "ping", "traceroute",
    "host", "iostat", "vmstat", "lsof", "wc", "sort", "uniq", "awk", "date", "whoami", "env",
}  # fmt: skip
_FILE_CHANGERS = {"mv", "cp", "rm", "chmod", "chown", "tee", "truncate", "ln", "kill", "pkill", "reboot"}
_SQL_CLIENTS = {"psql": ("-c", "--command"), "mysql": ("-e", "--execute")}
_KUBECTL_READS = {"get", "describe", "logs", "top", "events", "explain", "version", "api-resources", "diff"}
_KUBECTL_FLAGS_WITH_VALUE = {"-n", "--namespace", "--context", "--kubeconfig", "-l", "--selector", "-o"}
_SYSTEMCTL_READS = {"status", "is-active", "is-enabled", "is-failed", "show", "list-units", "cat"}
_HELM_READS = {"status", "history", "list", "ls", "get", "show", "search", "template", "lint"}
_CURL_WRITES = re.compile(
    r"(?:^|\s)(?:-X\s*(?:POST|PUT|PATCH|DELETE)|--request\s+(?:POST|PUT|PATCH|DELETE)|-d\b|--data)"
)
_SQL_START = re.compile(
    r"^\s*(select|show|explain|alter|set|reset|drop|delete|update|insert|truncate|create|vacuum|reindex"
    r"|analyze|cluster|kill|grant|revoke|merge|with)\b",
    re.IGNORECASE,
)
_SQL_FUNCTIONS = (
    (re.compile(r"\bpg_reload_conf\s*\(|\bset_config\s*\(", re.I), Effect.DB_CONFIG),
    (re.compile(r"\bpg_(terminate|cancel)_backend\s*\(", re.I), Effect.DB_SESSIONS),
)
_REDIS_READS = {"info", "get", "mget", "keys", "scan", "ttl", "type", "dbsize", "ping", "slowlog", "client"}


def _sql_effect(statement: str) -> Effect:
    words = statement.strip().lower().split()
    if not words:
        return Effect.READ
    first, second = words[0], (words[1] if len(words) > 1 else "")
    if first in ("select", "with"):
        for pattern, effect in _SQL_FUNCTIONS:
            if pattern.search(statement):
                return effect
        return Effect.DB_WRITE if " into " in f" {' '.join(words)} " else Effect.READ
    if first in ("show", "explain"):
        return Effect.READ
    if (first == "alter" and second == "system") or (first == "set" and second in ("global", "persist")):
        return Effect.DB_CONFIG
    if first in ("set", "reset"):
        return Effect.READ  # a session setting ends with the session
    if first in ("delete", "update", "insert", "truncate", "merge"):
        return Effect.DB_WRITE
    if first in ("alter", "drop", "create", "grant", "revoke"):
        return Effect.DB_SCHEMA
    if first in ("vacuum", "reindex", "analyze", "cluster"):
        return Effect.DB_MAINTENANCE
    if first == "kill":
        return Effect.DB_SESSIONS
    return Effect.UNKNOWN


def _sql_effects(sql: str) -> set[Effect]:
    return {_sql_effect(statement) for statement in sql.split(";") if statement.strip()}


def _verb(tokens: list[str], flags_with_value: set[str] = _KUBECTL_FLAGS_WITH_VALUE) -> tuple[str, str]:
    """The first two non-flag words after the program (`kubectl -n x rollout status` → rollout, status)."""
    words: list[str] = []
    skip = False
    for token in tokens[1:]:
        if skip:
            skip = False
            continue
        if token.startswith("-"):
            skip = token in flags_with_value
            continue
        words.append(token.lower())
        if len(words) == 2:
            break
    words += ["", ""]
    return words[0], words[1]


def _program_effects(tokens: list[str], text: str) -> set[Effect]:
    program = tokens[0].rsplit("/", 1)[-1].lower()
    if program == "sudo" and len(tokens) > 1:
        return _program_effects(tokens[1:], text)
    if program in _SQL_CLIENTS:
        flags = _SQL_CLIENTS[program]
        sql = [tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t in flags]
        sql += [
            t.split("=", 1)[1] for t in tokens if any(t.startswith(f + "=") for f in flags if f[:2] == "--")
        ]
        return set().union(*(_sql_effects(s) for s in sql)) if sql else {Effect.UNKNOWN}
    if program == "kubectl":
        verb, sub = _verb(tokens)
        if verb in _KUBECTL_READS or (verb == "rollout" and sub in ("status", "history")):
            return {Effect.READ}
        return {Effect.CLUSTER_CHANGE}
    if program == "helm":
        verb, _ = _verb(tokens)
        return {Effect.READ} if verb in _HELM_READS else {Effect.CLUSTER_CHANGE}
    if program == "systemctl":
        verb, _ = _verb(tokens, set())
        return {Effect.READ} if verb in _SYSTEMCTL_READS else {Effect.SERVICE_CHANGE}
    if program == "redis-cli":
        verb, sub = _verb(tokens, {"-h", "-p", "-a", "-n", "--user", "--pass"})
        if verb == "config" and sub == "set":
            return {Effect.DB_CONFIG}
        return {Effect.READ} if verb in _REDIS_READS or verb == "config" else {Effect.DB_WRITE}
    if program == "curl":
        return {Effect.CONFIG_CHANGE} if _CURL_WRITES.search(text) else {Effect.READ}
    if program == "sed":
        return {Effect.CONFIG_CHANGE} if any(t.startswith("-i") for t in tokens) else {Effect.READ}
    if program in _FILE_CHANGERS:
        return {Effect.CONFIG_CHANGE}
    if program in _READ_PROGRAMS:
        return {Effect.READ}
    return {Effect.UNKNOWN}


def _tokens(segment: str) -> list[str]:
    try:
        return shlex.split(segment)
    except ValueError:
        return segment.split()


def command_effects(command: str) -> set[Effect]:
    """Every effect of a command line: each shell command in it, and each SQL statement inside them."""
    if not command.strip():
        return set()
    if _SQL_START.match(command) and _tokens(command)[0].lower() not in _READ_PROGRAMS:
        return _sql_effects(command)
    effects: set[Effect] = set()
    for segment in _shell_commands(command):
        tokens = _tokens(segment)
        if tokens:
            effects |= _program_effects(tokens, segment)
    return effects


def _shell_commands(command: str) -> list[str]:
    """Split at shell operators, but not at the `;` inside a quoted SQL statement."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        pieces: list[list[str]] = [[]]
        for token in lexer:
            if token and set(token) <= set(";&|"):
                pieces.append([])
            else:
                pieces[-1].append(shlex.quote(token))
        return [" ".join(piece) for piece in pieces if piece]
    except ValueError:
        return command_segments(command)


def is_executable(command: str) -> bool:
    """Whether a rollback note is a command a machine could run, rather than prose for a person."""
    text = command.strip()
    if not text or _tokens(text)[0].startswith("<"):
        return False
    return Effect.UNKNOWN not in command_effects(text)


# Changes that are never "none", and never less than "hard" on production.
_CHANGES = (
    Effect.DB_CONFIG,
    Effect.DB_WRITE,
    Effect.DB_SCHEMA,
    Effect.DB_SESSIONS,
    Effect.DB_MAINTENANCE,
    Effect.CLUSTER_CHANGE,
    Effect.SERVICE_CHANGE,
    Effect.CONFIG_CHANGE,
)
_HARD_ANYWHERE = (Effect.DB_WRITE, Effect.DB_SCHEMA)


def effect_floor(command: str, production: bool) -> tuple[str, str] | None:
    """The least approval level ("soft"/"hard") a command's effects allow, and why; None for reads."""
    effects = command_effects(command)
    changes = [effect for effect in _CHANGES if effect in effects]
    if not changes:
        return None
    hard = production or any(effect in _HARD_ANYWHERE for effect in changes)
    return ("hard" if hard else "soft"), f"{changes[0]}{' on production' if production else ''}"
