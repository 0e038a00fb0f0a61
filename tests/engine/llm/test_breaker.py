"""The circuit breaker moves closed → open → half-open → closed on an injected clock."""

from __future__ import annotations

from engine.llm.breaker import BreakerState, CircuitBreaker


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """Read through a function so mypy does not narrow the property across calls."""
    return breaker.state


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_and_refuses_calls() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_after=30, clock=clock)

    breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED and breaker.allow()
    breaker.record_failure()

    assert state_of(breaker) is BreakerState.OPEN
    assert not breaker.allow()
    assert breaker.seconds_until_retry() == 30


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())

    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert state_of(breaker) is BreakerState.CLOSED


def test_half_open_lets_one_trial_through_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after=30, clock=clock)
    breaker.record_failure()
    clock.now += 30

    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow(), "only one trial call while half-open"
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED


def test_failed_trial_reopens_for_another_full_period() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_after=30, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 31
    assert breaker.allow()

    breaker.record_failure()

    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.seconds_until_retry() == 30
