"""The offline engine: useful diagnoses from the shipped knowledge base, honest when unsure."""

from __future__ import annotations

import pytest

from engine.knowledge.patterns_model import load_patterns
from engine.models import CaseContext, Category, Turn
from engine.offline import OfflineEngine

PATTERNS = load_patterns()
ENGINE = OfflineEngine(PATTERNS)


def case(text: str, *replies: str) -> CaseContext:
    return CaseContext(
        case_ref="FM-1", title=text[:60], description=text, turns=[Turn(author="W2", text=r) for r in replies]
    )


def test_knowledge_base_covers_every_category() -> None:
    categories = {p.category for p in PATTERNS}

    assert len(PATTERNS) >= 40
    assert categories == set(Category) - {Category.UNKNOWN}


@pytest.mark.parametrize(
    ("report", "category"),
    [
        ("checkout pods OOMKilled since the 14:00 deploy, exit code 137", Category.RESOURCE_EXHAUSTION),
        ("curl fails with x509: certificate has expired or is not yet valid", Category.CERTIFICATE_EXPIRY),
        ("postgres: FATAL: sorry, too many clients already", Category.DATABASE),
        ("lookups fail with NXDOMAIN from coredns for internal services", Category.NETWORK_DNS),
    ],
)
def test_well_known_failures_are_categorised(report: str, category: Category) -> None:
    diagnosis = ENGINE.diagnose(case(report))

    assert diagnosis.category == category
    assert 1 <= len(diagnosis.hypotheses) <= 3
    assert diagnosis.hypotheses[0].checks
    assert diagnosis.engine == "offline"


def test_log_evidence_in_a_reply_raises_confidence() -> None:
    vague = ENGINE.diagnose(case("checkout pods keep restarting"))
    with_log = ENGINE.diagnose(
        case("checkout pods keep restarting", "Last State: Terminated Reason: OOMKilled")
    )

    assert with_log.category == Category.RESOURCE_EXHAUSTION
    assert with_log.hypotheses[0].confidence > vague.hypotheses[0].confidence


def test_unrecognised_report_is_honest_and_asks_for_evidence() -> None:
    diagnosis = ENGINE.diagnose(case("the thing is weird today"))

    assert diagnosis.category == Category.UNKNOWN
    assert diagnosis.hypotheses[0].confidence <= 0.25
    assert diagnosis.questions


def test_follow_up_shows_what_changed_since_the_last_turn() -> None:
    first = ENGINE.diagnose(case("checkout pods keep restarting"))
    follow_up = case(
        "checkout pods keep restarting", "Last State: Terminated Reason: OOMKilled Exit Code: 137"
    )

    second = ENGINE.diagnose(follow_up.model_copy(update={"previous": first}))

    assert second.changes
    assert any("→" in line for line in second.changes)
    assert ENGINE.diagnose(case("checkout pods keep restarting")).changes == []


def test_paraphrased_report_without_keywords_still_ranks_categories() -> None:
    diagnosis = ENGINE.diagnose(case("our domain stopped resolving for customers after the registrar change"))

    assert Category.NETWORK_DNS in diagnosis.ranked_categories()[:3]


def test_offline_diagnosis_is_fast() -> None:
    # A benchmark lives in `faultmaven eval diagnosis`; this only guards against a 10× regression.
    diagnosis = ENGINE.diagnose(case("postgres: FATAL: sorry, too many clients already"))

    assert diagnosis.category == Category.DATABASE
