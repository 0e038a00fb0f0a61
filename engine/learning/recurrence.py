""" "This is the 4th time this month (every Monday around 09:00)": repeats of one problem signature."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

WINDOW = timedelta(days=30)
MIN_REPEATS = 3
# Share of occurrences that must fall on one weekday / within an hour of one time to call it a habit.
HABIT_SHARE = 0.75
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _habit(times: list[datetime]) -> str | None:
    need = HABIT_SHARE * len(times)
    day, on_day = Counter(t.weekday() for t in times).most_common(1)[0]
    minutes = sorted(t.hour * 60 + t.minute for t in times)
    centre = minutes[len(minutes) // 2]
    near = sum(1 for m in minutes if abs(m - centre) <= 60)
    parts = []
    if on_day >= need:
        parts.append(f"every {DAYS[day]}")
    if near >= need:
        rounded = (centre + 30) // 60 % 24
        parts.append(f"around {rounded:02d}:00 UTC")
    return " ".join(parts) or None


def describe_recurrence(opened: list[datetime], now: datetime) -> str | None:
    """A line about repeats in the last 30 days (this case included), or None below three."""
    recent = sorted(t for t in opened if now - WINDOW <= t <= now)
    if len(recent) < MIN_REPEATS:
        return None
    habit = _habit(recent)
    line = f"This is the {ordinal(len(recent))} time in 30 days"
    return f"{line} ({habit})." if habit else f"{line}."
