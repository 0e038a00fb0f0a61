"""Stale runbooks: not suggested or not confirmed for a while, or no longer working often enough."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

STALE_DAYS = 90
MIN_SUCCESS = 0.5
# Fewer votes than this say too little about a success rate to flag a runbook for it.
MIN_USES = 3


class RunbookUsage(BaseModel):
    ref: str
    title: str
    created_at: datetime
    last_suggested_at: datetime | None = None
    last_confirmed_at: datetime | None = None
    used: int = 0
    worked: int = 0


class StaleRunbook(BaseModel):
    ref: str
    title: str
    reasons: list[str]


def stale_reasons(
    usage: RunbookUsage, now: datetime, days: int = STALE_DAYS, min_success: float = MIN_SUCCESS
) -> list[str]:
    """Why a live runbook needs a look; empty when it is fine. A new runbook gets `days` of grace."""
    reasons = []
    window = timedelta(days=days)
    suggested = max(filter(None, [usage.created_at, usage.last_suggested_at]))
    if now - suggested > window:
        reasons.append(f"not suggested in {(now - suggested).days} days")
    confirmed = max(filter(None, [usage.created_at, usage.last_confirmed_at]))
    if now - confirmed > window:
        reasons.append(f"not confirmed ✅ in {(now - confirmed).days} days")
    if usage.used >= MIN_USES and usage.worked / usage.used < min_success:
        reasons.append(f"worked {usage.worked}/{usage.used} times, under {min_success:.0%}")
    return reasons


def stale_runbooks(
    usages: list[RunbookUsage], now: datetime, days: int = STALE_DAYS, min_success: float = MIN_SUCCESS
) -> list[StaleRunbook]:
    """The live runbooks that need a look, with why, oldest problem first."""
    found = [
        StaleRunbook(ref=u.ref, title=u.title, reasons=reasons)
        for u in usages
        if (reasons := stale_reasons(u, now, days, min_success))
    ]
    return sorted(found, key=lambda s: (-len(s.reasons), s.ref))
