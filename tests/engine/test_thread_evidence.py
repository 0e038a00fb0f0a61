"""A log line pasted in the thread that points where the report did not opens a line of its own."""

from __future__ import annotations

from engine.changes import shows_nothing_new
from engine.knowledge.patterns_model import load_patterns
from engine.models import CaseContext, EvidenceSource, Turn
from engine.offline import OfflineEngine

ENGINE = OfflineEngine(load_patterns())
REPORT = "checkout pods OOMKilled since the 14:00 deploy, exit code 137"
PG_ERROR = "2024-05-02T14:05:11Z FATAL: sorry, too many clients already (max_connections=100)"


def follow_up(*replies: str) -> tuple[CaseContext, CaseContext]:
    first = CaseContext(case_ref="FM-1", title=REPORT, description=REPORT, reporter="W1")
    previous = ENGINE.diagnose(first)
    turns = [Turn(author="W2", text=r) for r in replies]
    return first, first.model_copy(update={"previous": previous, "turns": turns})


def test_a_pasted_postgres_error_in_an_oom_case_becomes_a_hypothesis_quoting_that_line() -> None:
    first, later = follow_up(PG_ERROR)
    before, after = ENGINE.diagnose(first), ENGINE.diagnose(later)

    lead = after.hypotheses[-1]
    assert "max_connections" in lead.cause and lead.cause not in {h.cause for h in before.hypotheses}
    quoted = [o for o in lead.observed if "too many clients already" in o.quote]
    assert quoted and quoted[0].author == "W2" and quoted[0].source is not EvidenceSource.REPORT
    assert len(after.hypotheses) <= 3 and sum(h.confidence for h in after.hypotheses) <= 1.0
    assert not shows_nothing_new(before, after)  # so the thread gets an update, not only 👀


def test_chatter_and_words_without_log_evidence_add_nothing() -> None:
    for reply in ("thanks, joining the bridge", "restarted it, no change", "db seems slow too"):
        first, later = follow_up(reply)
        causes = [h.cause for h in ENGINE.diagnose(later).hypotheses]
        assert causes == [h.cause for h in ENGINE.diagnose(first).hypotheses], reply


def test_a_line_that_supports_a_shown_cause_adds_no_duplicate() -> None:
    _first, later = follow_up("Last State: Terminated, Reason: OOMKilled, Exit Code: 137")
    causes = [h.cause for h in ENGINE.diagnose(later).hypotheses]

    assert len(causes) == len(set(causes))
