"""The Claude engine, with the real anthropic client talking to a fake Messages API."""

from __future__ import annotations

from engine.knowledge.patterns_model import load_patterns
from engine.llm.breaker import BreakerState, CircuitBreaker
from engine.llm.caller import ModelCaller
from engine.llm.engine import ClaudeEngine
from engine.models import CaseContext, Category, Diagnosis, Hypothesis, Turn
from engine.offline import OfflineEngine
from tests.engine.llm.test_breaker import FakeClock, state_of
from tests.fakes.anthropic_api import FakeMessagesApi, good_answer

FAST = "claude-haiku-4-5"
STRONG = "claude-sonnet-4-6"
OFFLINE = OfflineEngine(load_patterns())
REPORT = "checkout pods restarting since the 14:00 deploy, exit code 137"


def engine_for(
    api: FakeMessagesApi, breaker: CircuitBreaker | None = None, max_retries: int = 2
) -> ClaudeEngine:
    caller = ModelCaller(api.client(max_retries=max_retries))
    return ClaudeEngine(caller, OFFLINE, fast_model=FAST, strong_model=STRONG, breaker=breaker)


def case(report: str = REPORT, *replies: str, previous: Diagnosis | None = None) -> CaseContext:
    return CaseContext(
        case_ref="FM-7",
        title=report[:60],
        description=report,
        service="checkout",
        turns=[Turn(author="W2", text=r) for r in replies],
        previous=previous,
    )


def test_good_tool_answer_becomes_a_validated_diagnosis_with_cost() -> None:
    api = FakeMessagesApi()

    diagnosis = engine_for(api).diagnose(case())

    assert diagnosis.engine == "claude" and diagnosis.model == STRONG
    assert diagnosis.category is Category.RESOURCE_EXHAUSTION
    assert diagnosis.ranked_categories()[:2] == [Category.RESOURCE_EXHAUSTION, Category.DEPLOYMENT_BUG]
    assert diagnosis.hypotheses[0].confidence == 0.7
    assert diagnosis.recommended_actions[0].rollback
    assert diagnosis.note is None
    [call] = diagnosis.llm_calls
    assert (call.model, call.outcome, call.input_tokens, call.output_tokens) == (STRONG, "ok", 1200, 400)
    assert call.cache_creation_input_tokens == 900 and call.cost_usd > 0


def test_request_forces_the_tool_and_caches_system_prompt_and_history() -> None:
    api = FakeMessagesApi()

    engine_for(api).diagnose(case(REPORT, "memory limit is 512Mi", previous=Diagnosis(summary="s")))

    [request] = api.requests
    assert request["tool_choice"] == {"type": "tool", "name": "record_diagnosis"}
    assert request["tools"][0]["input_schema"]["properties"]["category"]
    assert request["system"][0]["cache_control"] == {"type": "ephemeral"}
    history, latest = request["messages"][0]["content"]
    assert history["cache_control"] == {"type": "ephemeral"}
    assert REPORT in history["text"] and "512Mi" not in history["text"]
    assert "512Mi" in latest["text"] and "cache_control" not in latest


def test_opening_report_uses_strong_model_and_short_follow_up_uses_fast() -> None:
    api = FakeMessagesApi()
    engine = engine_for(api)
    first = engine.diagnose(case())

    engine.diagnose(case(REPORT, "it started at 14:02", previous=first))
    engine.diagnose(case(REPORT, "here is the log:\nTraceback ...\nMemoryError", previous=first))

    assert api.models_called == [STRONG, FAST, STRONG]


def test_follow_up_reports_what_changed_since_the_last_turn() -> None:
    api = FakeMessagesApi()
    previous = Diagnosis(
        summary="s",
        category=Category.DEPLOYMENT_BUG,
        hypotheses=[Hypothesis(cause="Memory leak in the 14:00 deploy", confidence=0.6)],
    )

    diagnosis = engine_for(api).diagnose(case(REPORT, "Reason: OOMKilled", previous=previous))

    assert "Category changed: deployment bug → resource exhaustion" in diagnosis.changes
    assert any("60% → 25%" in line for line in diagnosis.changes)


def test_malformed_tool_output_is_retried_once_with_the_validation_error() -> None:
    api = FakeMessagesApi()
    api.answer_with(good_answer(hypotheses=[{"cause": "x", "confidence": 85}]))
    api.answer_with(good_answer())

    diagnosis = engine_for(api).diagnose(case())

    assert diagnosis.engine == "claude" and diagnosis.model == STRONG
    retry = api.requests[1]["messages"]
    assert retry[1]["role"] == "assistant"
    tool_result = retry[2]["content"][0]
    assert tool_result["type"] == "tool_result" and tool_result["is_error"] is True
    assert [c.outcome for c in diagnosis.llm_calls] == ["malformed", "ok"]


def test_malformed_twice_falls_back_to_the_fast_model() -> None:
    api = FakeMessagesApi()
    api.answer_with(None)
    api.answer_with({"summary": "no category"})

    diagnosis = engine_for(api).diagnose(case())

    assert api.models_called == [STRONG, STRONG, FAST]
    assert diagnosis.model == FAST
    assert diagnosis.note and STRONG in diagnosis.note


def test_malformed_everywhere_falls_back_to_offline_with_a_note() -> None:
    api = FakeMessagesApi()
    for _ in range(4):
        api.answer_with({"nonsense": True})

    diagnosis = engine_for(api).diagnose(case())

    assert diagnosis.engine == "offline"
    assert diagnosis.category is Category.RESOURCE_EXHAUSTION
    assert diagnosis.note and "offline" in diagnosis.note
    assert len(diagnosis.llm_calls) == 4


def test_rate_limit_with_retry_after_is_retried_by_the_sdk() -> None:
    api = FakeMessagesApi()
    api.fail_with(429)

    diagnosis = engine_for(api).diagnose(case())

    assert len(api.requests) == 2
    assert diagnosis.engine == "claude" and diagnosis.model == STRONG


def test_overloaded_529_beyond_sdk_retries_falls_back_to_fast_model() -> None:
    api = FakeMessagesApi()
    api.fail_with(529, times=3)

    diagnosis = engine_for(api, max_retries=2).diagnose(case())

    assert api.models_called == [STRONG, STRONG, STRONG, FAST]
    assert diagnosis.model == FAST
    assert [c.outcome for c in diagnosis.llm_calls] == ["error", "ok"]


def test_timeouts_on_every_model_fall_back_to_offline() -> None:
    api = FakeMessagesApi()
    api.time_out(times=2)

    diagnosis = engine_for(api, max_retries=0).diagnose(case())

    assert api.models_called == [STRONG, FAST]
    assert diagnosis.engine == "offline"
    assert diagnosis.note and "timed out" in diagnosis.note


def test_open_breaker_answers_offline_at_once_then_half_open_trial_closes_it() -> None:
    api = FakeMessagesApi()
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_after=60, clock=clock)
    engine = engine_for(api, breaker=breaker, max_retries=0)
    api.fail_with(500, times=2)

    engine.diagnose(case())
    assert state_of(breaker) is BreakerState.OPEN
    sent = len(api.requests)
    down = engine.diagnose(case())

    assert len(api.requests) == sent, "no call while the breaker is open"
    assert down.engine == "offline" and down.note and "unavailable" in down.note
    clock.now += 60
    assert state_of(breaker) is BreakerState.HALF_OPEN
    up = engine.diagnose(case())
    assert up.engine == "claude"
    assert state_of(breaker) is BreakerState.CLOSED


def test_failed_half_open_trial_reopens_without_trying_the_fast_model() -> None:
    api = FakeMessagesApi()
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after=60, clock=clock)
    engine = engine_for(api, breaker=breaker, max_retries=0)
    api.fail_with(503, times=2)
    engine.diagnose(case())
    clock.now += 60

    diagnosis = engine.diagnose(case())

    assert api.models_called == [STRONG, STRONG]
    assert state_of(breaker) is BreakerState.OPEN
    assert diagnosis.engine == "offline"


def test_invented_evidence_is_dropped_and_the_team_is_told() -> None:
    api = FakeMessagesApi()
    invented = good_answer()
    invented["hypotheses"][0]["observed"] = [
        {"quote": "exit code 137", "source": "report"},
        {"quote": "Reason: OOMKilled", "source": "log_line"},
        {"quote": "app replicas recently increased by HPA", "source": "message", "author": "W2"},
    ]
    api.answer_with(invented)

    diagnosis = engine_for(api).diagnose(case())

    seen = [o.quote for h in diagnosis.hypotheses for o in h.observed]
    assert seen == ["exit code 137"]
    assert diagnosis.note == "Dropped 2 claimed observation(s) not found in the case."


def test_not_sure_answer_says_so_and_drops_foreign_technology_checks() -> None:
    api = FakeMessagesApi()
    api.answer_with(
        good_answer(
            summary="Probably the database connection pool.",
            confident=False,
            category="database",
            hypotheses=[
                {
                    "cause": "Connection slots exhausted",
                    "confidence": 0.4,
                    "observed": [{"quote": "too many connections", "source": "report"}],
                    "checks": [
                        "mysql -e 'SHOW PROCESSLIST'",
                        "psql -c 'SELECT count(*) FROM pg_stat_activity'",
                    ],
                }
            ],
            recommended_actions=[
                {
                    "title": "Raise max_connections",
                    "command": "mysql -e 'SET GLOBAL max_connections=500'",
                    "risk": "medium",
                }
            ],
        )
    )

    diagnosis = engine_for(api).diagnose(
        case("prod postgres primary at max_connections, app logs 'too many connections'")
    )

    assert diagnosis.summary.startswith("Not sure yet")
    assert diagnosis.confident is False and diagnosis.technologies == ["postgresql"]
    assert diagnosis.hypotheses[0].checks == ["psql -c 'SELECT count(*) FROM pg_stat_activity'"]
    assert diagnosis.hypotheses[0].observed[0].quote == "too many connections"
    assert diagnosis.recommended_actions == []
