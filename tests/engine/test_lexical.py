from engine.knowledge.patterns_model import load_patterns
from engine.lexical import LexicalIndex, terms, without_clock_times


def test_clock_times_and_zones_are_blanked() -> None:
    text = "Since 14:09 UTC checkout fails; started around 4pm PT, again at 06:27:10 KST"
    blanked = without_clock_times(text)
    for gone in ("14:09", "UTC", "4pm", "06:27:10", "KST"):
        assert gone not in blanked
    assert "checkout fails" in blanked and "started around" in blanked


def test_versions_counts_ports_and_time_words_stay() -> None:
    text = "rolled back to 2.5.0, 1/3 of users, port 80, at midnight on Feb 29, 503s"
    assert without_clock_times(text) == text


def test_a_clock_time_adds_nothing_to_prose_similarity() -> None:
    index = LexicalIndex(load_patterns())
    plain = index.similarities(without_clock_times("disk full on the log host since 14:09 UTC"))
    assert plain == index.similarities("disk full on the log host since")
    assert "utc" not in terms(without_clock_times("since 14:09 UTC"))
