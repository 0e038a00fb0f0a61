"""Evidence is only what the case shows: exact quotes, each with where it was seen."""

from __future__ import annotations

import re

from engine.hypotheses import merge_duplicates
from engine.knowledge.categories_model import load_categories
from engine.models import CaseContext, Category, EvidenceSource, Hypothesis, Observation, Turn
from engine.observations import case_passages, find, find_asserted, quotes_case
from engine.ranking import cue_hits

CASE = CaseContext(
    case_ref="FM-3",
    title="checkout 500s",
    description="checkout 500s since the deploy\nalertname=HighErrorRate severity=page",
    reporter="W1",
    turns=[
        Turn(author="W2", text="db looks fine to me"),
        Turn(author="W3", text="2026-11-29 10:01:02 ERROR pool: too many connections"),
        Turn(author="faultmaven", text="Looks like: something we made up", from_bot=True),
    ],
)


def test_each_line_knows_its_source_and_author() -> None:
    sources = [(p.source, p.author) for p in case_passages(CASE)]

    # The title is cut from the report, so it is not a second source.
    assert sources == [
        (EvidenceSource.REPORT, "W1"),
        (EvidenceSource.ALERT_LABEL, "W1"),
        (EvidenceSource.MESSAGE, "W2"),
        (EvidenceSource.LOG_LINE, "W3"),
    ]


def test_a_found_quote_is_verbatim_and_the_bot_is_never_a_source() -> None:
    passages = case_passages(CASE)

    seen = find(passages, re.compile(r"too many connections", re.I))
    invented = find(passages, re.compile(r"something we made up"))

    assert seen is not None and seen.quote == "too many connections"
    assert seen.where() == "in a log line pasted by <@W3>"
    assert invented is None


def test_quotes_case_rejects_what_was_not_written() -> None:
    real = Observation(quote="since  the DEPLOY", source=EvidenceSource.REPORT)
    made_up = Observation(quote="replicas increased by HPA", source=EvidenceSource.REPORT)

    assert quotes_case(real, CASE)
    assert not quotes_case(made_up, CASE)


def test_near_duplicate_hypotheses_merge_into_one() -> None:
    seen = Observation(quote="too many connections", source=EvidenceSource.LOG_LINE)
    merged = merge_duplicates(
        [
            Hypothesis(cause="Connection pool exhausted by slow queries", confidence=0.4, observed=[seen]),
            Hypothesis(cause="Slow queries exhausted the connection pool", confidence=0.2, checks=["x"]),
            Hypothesis(cause="Primary failed over", confidence=0.1),
        ]
    )

    assert [h.cause for h in merged] == ["Connection pool exhausted by slow queries", "Primary failed over"]
    assert merged[0].confidence == 0.6 and merged[0].checks == ["x"] and merged[0].observed == [seen]


def test_a_negated_mention_is_not_evidence_but_a_later_plain_one_is() -> None:
    deleted = re.compile(r"\bdeleted\b", re.I)
    negated = CaseContext(
        case_ref="FM-4", title="x", description="resources vanished and nobody here deleted anything"
    )
    later = negated.model_copy(
        update={"turns": [Turn(author="W2", text="ok, I deleted the old group by mistake")]}
    )

    assert find(case_passages(negated), deleted) is not None
    assert find_asserted(case_passages(negated), deleted) is None
    seen = find_asserted(case_passages(later), deleted)
    assert seen is not None and seen.author == "W2"


def test_an_action_that_cannot_be_taken_is_not_a_sign_it_was_taken() -> None:
    config_change = re.compile(r"\bconfig changes?\b", re.I)
    cannot = CaseContext(
        case_ref="FM-5", title="x", description="customers can't make config changes in the API"
    )
    made = CaseContext(
        case_ref="FM-6", title="x", description="errors right after the config change at 10:00"
    )

    assert find_asserted(case_passages(cannot), config_change) is not None
    assert find_asserted(case_passages(cannot), config_change, action=True) is None
    assert find_asserted(case_passages(made), config_change, action=True) is not None


def test_only_categories_that_are_actions_discount_inability() -> None:
    knowledge = load_categories()
    assert knowledge[Category.CONFIG_CHANGE].action and not knowledge[Category.NETWORK_DNS].action
    case = CaseContext(
        case_ref="FM-7", title="x", description="we can't make config changes and hosts can't resolve names"
    )
    hits = cue_hits(case_passages(case), knowledge)
    assert not hits[Category.CONFIG_CHANGE]
    # Failing to resolve is the symptom itself: still evidence for the network category.
    assert [o.quote for o in hits[Category.NETWORK_DNS]] == ["resolve"]
