"""Facts pulled out of pasted logs and command output: exit codes, OOMKilled, x509, ECONNREFUSED…"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.models import Category

C = Category


@dataclass(frozen=True)
class Fact:
    """One piece of evidence found in the text, and the categories it points to."""

    label: str
    categories: tuple[Category, ...]


# (pattern, label template, categories). `{0}` in a label is the matched text. Ordered by how
# specific the signal is; each rule reports at most once per text.
_RULES: list[tuple[re.Pattern[str], str, tuple[Category, ...]]] = [
    (
        re.compile(r"\bOOMKilled\b|\bout of memory\b|\bOutOfMemoryError\b|\bKilled process\b", re.I),
        "out-of-memory kill ({0})",
        (C.RESOURCE_EXHAUSTION,),
    ),
    (
        # Elasticsearch's circuit breakers and disk watermarks, RabbitMQ's memory/disk alarms: memory
        # or disk pressure reported by the product itself (their public docs).
        re.compile(
            r"circuit_breaking_exception|\[parent\] Data too large|flood[ -]stage disk watermark"
            r"|(memory|disk)[_ ](resource[_ ])?(limit[_ ])?alarm",
            re.I,
        ),
        "memory or disk pressure reported by the server ({0})",
        (C.RESOURCE_EXHAUSTION,),
    ),
    (
        re.compile(r"\bexit(?:ed)?(?: with)?(?: status| code)?[:= ]+137\b", re.I),
        "exit code 137 (SIGKILL, usually the OOM killer)",
        (C.RESOURCE_EXHAUSTION,),
    ),
    (
        re.compile(r"\bexit(?:ed)?(?: with)?(?: status| code)?[:= ]+139\b|\bsegfault\b|SIGSEGV", re.I),
        "segmentation fault ({0})",
        (C.DEPLOYMENT_BUG, C.HARDWARE_FAILURE),
    ),
    (
        re.compile(r"\bno space left on device\b|\bdisk (is )?full\b", re.I),
        "disk full ({0})",
        (C.RESOURCE_EXHAUSTION,),
    ),
    (
        re.compile(r"\btoo many open files\b|\bEMFILE\b", re.I),
        "file descriptors exhausted",
        (C.RESOURCE_EXHAUSTION,),
    ),
    (
        re.compile(
            r"\bx509\b|certificate (has )?expired|CERT_DATE_INVALID|PKIX path|certificate verify failed", re.I
        ),
        "TLS certificate error ({0})",
        (C.CERTIFICATE_EXPIRY,),
    ),
    (
        re.compile(r"\bECONNREFUSED\b|connection refused", re.I),
        "connection refused ({0}): the target is down or not listening",
        (C.DEPENDENCY_OUTAGE, C.NETWORK_DNS),
    ),
    (
        re.compile(r"\bETIMEDOUT\b|\bi/o timeout\b|connection timed out", re.I),
        "connection timeout ({0})",
        (C.NETWORK_DNS, C.DEPENDENCY_OUTAGE),
    ),
    (
        re.compile(r"too many (connections|clients)|remaining connection slots", re.I),
        "database connection limit reached ({0})",
        (C.DATABASE,),
    ),
    (re.compile(r"deadlock detected|lock wait timeout", re.I), "lock contention ({0})", (C.DATABASE,)),
    (
        # The largest signed/unsigned 32-bit and signed 64-bit integers: an auto-increment id or counter
        # that reached its type's maximum ("Duplicate entry '2147483647' for key 'PRIMARY'").
        re.compile(r"(?<![\d.])(2147483647|4294967295|9223372036854775807)(?![\d.])"),
        "a value at an integer type's maximum ({0}): an id or counter ran out of range",
        (C.DATABASE, C.RESOURCE_EXHAUSTION),
    ),
    (
        re.compile(
            r"\bNXDOMAIN\b|\bSERVFAIL\b|\bENOTFOUND\b|no such host|Temporary failure in name resolution", re.I
        ),
        "DNS resolution failure ({0})",
        (C.NETWORK_DNS,),
    ),
    (
        re.compile(r"clock skew|used before issued|time drift|ntp.{0,20}offset", re.I),
        "clock problem ({0})",
        (C.TIME_OR_LEAP_SECOND,),
    ),
    (
        re.compile(r"\bI/O error\b|reallocated sector|EDAC|machine check", re.I),
        "hardware error ({0})",
        (C.HARDWARE_FAILURE,),
    ),
    (
        re.compile(r"\b(HTTP[/ ]?\S*\s)?(429)\b|too many requests|rate limit", re.I),
        "rate limiting ({0})",
        (C.CAPACITY_OVERLOAD, C.DEPENDENCY_OUTAGE),
    ),
    (
        re.compile(r"\b(502|503|504)\b|bad gateway|service unavailable|gateway timeout", re.I),
        "upstream HTTP error ({0})",
        (C.DEPENDENCY_OUTAGE, C.CAPACITY_OVERLOAD),
    ),
]


def fact_rules() -> list[tuple[re.Pattern[str], str, tuple[Category, ...]]]:
    """The rules themselves, for callers that need where each one matched."""
    return list(_RULES)


def extract_facts(text: str) -> list[Fact]:
    """Every rule that fires on the text, once each, most specific first."""
    facts = []
    for pattern, label, categories in _RULES:
        found = pattern.search(text)
        if found:
            facts.append(Fact(label.format(found.group(0).strip()[:60]), categories))
    return facts
