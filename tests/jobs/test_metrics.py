"""Worker metrics: jobs by name, queue and outcome, Slack calls and 429s by method, LLM usage, breaker."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from bot.services import Services
from engine.llm.breaker import CircuitBreaker
from engine.models import LlmCall
from jobs.cases.intake import NewCaseRequest
from jobs.metrics import count_llm_calls, watch_breaker
from jobs.runtime import JobContext
from jobs.worker import run_worker
from tests.fakes.slack_api import FakeSlackApi


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_diagnosis_run_by_the_worker_counts_the_job_and_its_slack_calls_and_429s(
    services: Services, slack: FakeSlackApi, job_context: JobContext
) -> None:
    job = {"job": "diagnose_case", "queue": "high"}
    started = sample("faultmaven_jobs_started_total", **job)
    succeeded = sample("faultmaven_jobs_finished_total", **job, outcome="succeeded")
    timed = sample("faultmaven_job_duration_seconds_count", **job)
    posts = sample("faultmaven_slack_api_calls_total", method="chat.postMessage", outcome="ok")
    limited = sample("faultmaven_slack_api_rate_limited_total", method="chat.postMessage")
    slack.fail_next("chat.postMessage", 429, retry_after=0)
    services.intake.open_case(
        NewCaseRequest(dedupe_key="m:1", source="slash", channel_id="C111", reporter_id="W111", text="504s")
    )

    run_worker(job_context, services.queue, burst=True, queues=("high",))

    assert sample("faultmaven_jobs_started_total", **job) == started + 1
    assert sample("faultmaven_jobs_finished_total", **job, outcome="succeeded") == succeeded + 1
    assert sample("faultmaven_job_duration_seconds_count", **job) == timed + 1
    # Root message and progress message; the first attempt was answered 429 and retried.
    assert sample("faultmaven_slack_api_calls_total", method="chat.postMessage", outcome="ok") == posts + 2
    assert sample("faultmaven_slack_api_rate_limited_total", method="chat.postMessage") == limited + 1


def test_llm_calls_tokens_and_cost_are_counted_by_model() -> None:
    model = "claude-metrics-test"
    count_llm_calls(
        [
            LlmCall(model=model, purpose="diagnosis", input_tokens=1000, output_tokens=200, cost_usd=0.01),
            LlmCall(model=model, purpose="diagnosis", outcome="malformed", input_tokens=50, cost_usd=0.002),
        ]
    )

    assert sample("faultmaven_llm_calls_total", model=model, purpose="diagnosis", outcome="ok") == 1
    assert sample("faultmaven_llm_calls_total", model=model, purpose="diagnosis", outcome="malformed") == 1
    assert sample("faultmaven_llm_tokens_total", model=model, kind="input") == 1050
    assert sample("faultmaven_llm_tokens_total", model=model, kind="output") == 200
    assert abs(sample("faultmaven_llm_cost_usd_total", model=model) - 0.012) < 1e-9


def test_breaker_state_is_read_at_scrape_time() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_after=60, clock=lambda: now[0])
    registry = CollectorRegistry()
    watch_breaker(lambda: breaker.state.value, registry)

    def state() -> dict[str, float]:
        return {
            s: registry.get_sample_value("faultmaven_llm_breaker_state", {"state": s}) or 0.0
            for s in ("closed", "open", "half_open")
        }

    assert state() == {"closed": 1.0, "open": 0.0, "half_open": 0.0}
    breaker.record_failure()
    assert state() == {"closed": 0.0, "open": 1.0, "half_open": 0.0}
    now[0] = 61.0
    assert state()["half_open"] == 1.0
    assert b"faultmaven_llm_breaker_state" in generate_latest(registry)
