"""Honest figures from small samples: Wilson intervals, medians, percentiles, problem signatures."""

from __future__ import annotations

import math
import re
from statistics import median

from pydantic import BaseModel

# 95% two-sided.
Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a success rate: sane at 0/0, 1/1 and 7/7, unlike ±1.96·√(p(1-p)/n)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def median_of(values: list[int]) -> float | None:
    """The median, or None for no values."""
    return float(median(values)) if values else None


def percentile(values: list[int], fraction: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "-"


class ProblemSignature(BaseModel):
    """What makes two cases "the same problem": category, top pattern or runbook, service."""

    category: str
    pattern: str
    service: str = ""

    @classmethod
    def of(
        cls, category: str, top_runbook_id: int | None, top_cause: str | None, service: str | None
    ) -> ProblemSignature:
        """The suggested runbook names the problem best; else the top hypothesis; else only the category."""
        if top_runbook_id is not None:
            pattern = f"runbook:{top_runbook_id}"
        elif top_cause:
            pattern = f"pattern:{_slug(top_cause)}"
        else:
            pattern = "-"
        return cls(category=category, pattern=pattern, service=(service or "").strip().lower())

    @classmethod
    def from_key(cls, key: str) -> ProblemSignature:
        """The signature a stored key names."""
        category, pattern, service = [*key.split("|"), "-", "-"][:3]
        return cls(category=category, pattern=pattern, service="" if service == "-" else service)

    @property
    def key(self) -> str:
        """The stored key: category|pattern|service."""
        return f"{self.category}|{self.pattern}|{self.service or '-'}"


def signature_label(key: str) -> str:
    """category|runbook:4|cache-01 → database · RB-0004 · cache-01 (for people, not for matching)."""
    parts = []
    for part in key.split("|"):
        if part.startswith("runbook:") and part[8:].isdigit():
            parts.append(f"RB-{int(part[8:]):04d}")
        elif part not in ("", "-"):
            parts.append(part.removeprefix("pattern:"))
    return " · ".join(parts)
