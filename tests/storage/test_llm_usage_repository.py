"""LLM usage rows: written per call, summed per case, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.cases import CaseRepository, NewCase
from storage.db import make_engine, make_session_factory
from storage.llm_usage import LlmUsageRepository, UsageRecord


def record(model: str, cost: float, outcome: str = "ok") -> UsageRecord:
    return UsageRecord(
        model=model,
        purpose="diagnosis",
        outcome=outcome,
        input_tokens=1000,
        output_tokens=200,
        cache_read_input_tokens=0,
        cache_creation_input_tokens=500,
        cost_usd=cost,
        latency_ms=900,
    )


def test_usage_is_recorded_per_call_and_summed_per_case(any_database_url: str) -> None:
    engine = make_engine(any_database_url)
    sessions = make_session_factory(engine)
    case, _job, _ = CaseRepository(sessions).open_case(
        NewCase("k1", "slash", "C1", "t", "d", "W1", "high", "investigating"), "diagnose_case"
    )
    repo = LlmUsageRepository(sessions)

    repo.record(
        case.id,
        "diagnose_case:1",
        [record("claude-sonnet-4-6", 0.01, "malformed"), record("claude-sonnet-4-6", 0.012)],
    )
    repo.record(case.id, "answer_in_thread:2", [record("claude-haiku-4-5", 0.002)])
    repo.record(case.id, "answer_in_thread:3", [])

    totals = repo.totals_for_case(case.id)
    assert (totals.calls, totals.input_tokens, totals.output_tokens) == (3, 3000, 600)
    assert totals.cost_usd == 0.024
    assert repo.totals_for_case(case.id + 1).calls == 0
    engine.dispose()
