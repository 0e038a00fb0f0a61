"""Checks on actions an LLM proposes: nothing unsafe reaches the thread, however the model was steered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.models import RecommendedAction, RiskLevel

# Never acceptable as a recommendation: these run untrusted code, weaken security, or move data out.
FORBIDDEN = [
    re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(ba|z)?sh\b", re.I),
    re.compile(r"\bchmod\s+(-R\s+)?0?777\b", re.I),
    re.compile(r"\bsetenforce\s+0\b|\biptables\s+-F\b|\bufw\s+disable\b", re.I),
    re.compile(r"\b(nc|ncat|netcat)\b.*\s-e\s", re.I),
    re.compile(r"/etc/shadow|\bid_rsa\b|\.aws/credentials", re.I),
    re.compile(r"\b(curl|wget)\b.*(\$\(|`)\s*(env|printenv|cat)\b", re.I),
    re.compile(r"\bbase64\b.*\|\s*(curl|nc)\b", re.I),
    re.compile(r"\brm\s+-[a-z]*r[a-z]*f?[a-z]*\s+/(\s|$|\*)", re.I),
    re.compile(r":\(\)\s*\{\s*:\|:&\s*\};:"),
]

# Destructive but sometimes right (restore from backup, delete a stuck pod): allowed only when the
# model marks it high/critical risk and gives a rollback, and then always shown as critical.
DESTRUCTIVE = [
    re.compile(r"\brm\s+-[a-z]*r", re.I),
    re.compile(r"\b(DROP\s+(TABLE|DATABASE|SCHEMA)|TRUNCATE)\b", re.I),
    re.compile(r"\bDELETE\s+FROM\b(?![^;]*\bWHERE\b)", re.I),
    re.compile(r"\bkubectl\b.*\bdelete\s+(ns|namespace|pvc|pv|persistentvolume\w*|crd)\b", re.I),
    re.compile(r"\bkubectl\b.*\bdelete\b.*(--all\b|-A\b)", re.I),
    re.compile(r"\bFLUSH(ALL|DB)\b", re.I),
    re.compile(r"\bterraform\s+destroy\b|\baws\s+s3\s+rb\b|\baws\s+\S+\s+delete-", re.I),
    re.compile(r"\bmkfs(\.\w+)?\b|\bdd\s+.*\bof=/dev/", re.I),
    re.compile(r"\bgit\s+push\b.*(--force|-f)\b", re.I),
    re.compile(r"\b(shutdown|reboot|halt|poweroff)\b", re.I),
]


@dataclass
class ActionReview:
    kept: list[RecommendedAction] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def _text(action: RecommendedAction) -> str:
    return f"{action.title}\n{action.command}"


def is_forbidden(action: RecommendedAction) -> bool:
    """True when the action must never be recommended."""
    return any(p.search(_text(action)) for p in FORBIDDEN)


def is_destructive(action: RecommendedAction) -> bool:
    """True when the action deletes or overwrites something."""
    return any(p.search(_text(action)) for p in DESTRUCTIVE)


def review_actions(actions: list[RecommendedAction]) -> ActionReview:
    """Drop forbidden actions and unjustified destructive ones; mark justified destructive ones critical."""
    review = ActionReview()
    for action in actions:
        if is_forbidden(action):
            review.rejected.append(f"{action.title} (unsafe command)")
            continue
        if is_destructive(action):
            justified = action.risk in (RiskLevel.HIGH, RiskLevel.CRITICAL) and action.rollback.strip()
            if not justified:
                review.rejected.append(f"{action.title} (destructive without risk and rollback)")
                continue
            action = action.model_copy(update={"risk": RiskLevel.CRITICAL})
        review.kept.append(action)
    return review
