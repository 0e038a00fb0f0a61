"""Instant triage from wording alone."""

from engine.models import Severity
from engine.triage import guess_severity, title_from_text


def test_outage_words_guess_critical() -> None:
    assert guess_severity("full outage, all users see errors") == Severity.CRITICAL


def test_crash_words_guess_high() -> None:
    assert guess_severity("checkout pods OOMKilled since the deploy") == Severity.HIGH


def test_staging_slowness_guesses_low() -> None:
    assert guess_severity("staging is a bit slow") == Severity.LOW


def test_title_is_first_sentence_trimmed_on_a_word() -> None:
    assert title_from_text("Redis is OOM. Started at 14:00.") == "Redis is OOM."
    long = title_from_text("word " * 40)
    assert long.endswith("…") and len(long) <= 80
