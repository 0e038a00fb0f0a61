"""Repeats of one problem in the last 30 days, with the weekday and hour they keep happening at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.learning.recurrence import describe_recurrence, ordinal

MONDAY_9 = datetime(2026, 3, 23, 9, 5, tzinfo=UTC)


def test_four_mondays_around_nine_read_as_a_habit() -> None:
    opened = [MONDAY_9 - timedelta(weeks=w, minutes=10 * w) for w in range(4)]
    assert (
        describe_recurrence(opened, MONDAY_9)
        == "This is the 4th time in 30 days (every Monday around 09:00 UTC)."
    )


def test_repeats_without_a_habit_are_only_counted() -> None:
    opened = [MONDAY_9, MONDAY_9 - timedelta(days=2, hours=5), MONDAY_9 - timedelta(days=9, hours=11)]
    assert describe_recurrence(opened, MONDAY_9) == "This is the 3rd time in 30 days."


def test_old_or_rare_repeats_say_nothing() -> None:
    assert describe_recurrence([MONDAY_9, MONDAY_9 - timedelta(days=1)], MONDAY_9) is None
    old = [MONDAY_9 - timedelta(days=40 + d) for d in range(5)]
    assert describe_recurrence([*old, MONDAY_9], MONDAY_9) is None


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 112)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "112th",
    ]
