"""Prometheus metrics of the worker side: jobs, Slack Web API calls, LLM usage, the breaker.

Each worker process serves its own registry on a small HTTP port (`faultmaven worker --metrics-port`);
the web process serves its own on `/metrics`. Separate scrape targets rather than prometheus-client's
multiprocess mode: it works across machines, needs no shared directory, and keeps live gauges.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector, CollectorRegistry
from rq import Queue, SimpleWorker
from rq.job import Job
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from engine.models import LlmCall

JOBS_STARTED = Counter("faultmaven_jobs_started", "Jobs a worker began", ["job", "queue"])
JOBS_FINISHED = Counter(
    "faultmaven_jobs_finished",
    "Jobs a worker finished, by outcome (succeeded, failed, yielded: re-queued while its channel was busy)",
    ["job", "queue", "outcome"],
)
JOB_SECONDS = Histogram(
    "faultmaven_job_duration_seconds",
    "Wall time of one job run",
    ["job", "queue"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
SLACK_CALLS = Counter(
    "faultmaven_slack_api_calls", "Slack Web API calls, by method and outcome", ["method", "outcome"]
)
SLACK_RATE_LIMITED = Counter(
    "faultmaven_slack_api_rate_limited", "Slack Web API answers with HTTP 429 (each is retried)", ["method"]
)
LLM_CALLS = Counter(
    "faultmaven_llm_calls", "LLM calls, by model, purpose and outcome", ["model", "purpose", "outcome"]
)
LLM_TOKENS = Counter(
    "faultmaven_llm_tokens", "LLM tokens, by model and kind (input, output, cache_read…)", ["model", "kind"]
)
LLM_COST = Counter("faultmaven_llm_cost_usd", "LLM cost in US dollars, by model", ["model"])


def job_name(job: Job) -> str:
    """`jobs.cases.diagnosis.diagnose_case` -> `diagnose_case`: a short, bounded label."""
    return str(job.func_name).rsplit(".", 1)[-1]


class MeasuredWorker(SimpleWorker):
    """RQ's in-process worker, counting and timing every job by name and queue."""

    def perform_job(self, job: Job, queue: Queue) -> bool:
        labels = (job_name(job), queue.name)
        JOBS_STARTED.labels(*labels).inc()
        started = time.perf_counter()
        succeeded = False
        try:
            succeeded = bool(super().perform_job(job, queue))
            return succeeded
        finally:
            JOB_SECONDS.labels(*labels).observe(time.perf_counter() - started)
            JOBS_FINISHED.labels(*labels, _outcome(job, succeeded)).inc()


def _outcome(job: Job, succeeded: bool) -> str:
    """`yielded`: the job gave way to others while its channel was busy and runs again later."""
    if getattr(job, "yielded", False):
        return "yielded"
    return "succeeded" if succeeded else "failed"


class BreakerStateCollector(Collector):
    """The LLM circuit breaker's state, read when scraped (1 for the current state, 0 for the others)."""

    STATES = ("closed", "open", "half_open")

    def __init__(self, state: Callable[[], str]) -> None:
        self._state = state

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "faultmaven_llm_breaker_state", "LLM circuit breaker state", labels=["state"]
        )
        current = self._state()
        for state in self.STATES:
            family.add_metric([state], 1.0 if state == current else 0.0)
        yield family


def watch_breaker(state: Callable[[], str], registry: CollectorRegistry = REGISTRY) -> None:
    """Export a breaker's state from this process (call once, at the worker's composition root)."""
    registry.register(BreakerStateCollector(state))


def count_llm_calls(calls: Iterable[LlmCall]) -> None:
    """Add a job's LLM calls to the per-model call, token and cost counters."""
    for call in calls:
        LLM_CALLS.labels(call.model, call.purpose, call.outcome).inc()
        LLM_COST.labels(call.model).inc(call.cost_usd)
        for kind in ("input", "output", "cache_read_input", "cache_creation_input"):
            LLM_TOKENS.labels(call.model, kind).inc(getattr(call, f"{kind}_tokens"))


class SlackCallCounter(RetryHandler):
    """Counts every Slack Web API answer by method; slack_sdk consults retry handlers on each one.

    It never asks for a retry, so the handlers after it (429 with Retry-After, 5xx…) decide as before.
    """

    def __init__(self) -> None:
        super().__init__(max_retry_count=1_000_000)

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rsplit("/", 1)[-1] or "unknown"
        if response is None:
            SLACK_CALLS.labels(method, "connection_error").inc()
        elif response.status_code == 429:
            SLACK_CALLS.labels(method, "rate_limited").inc()
            SLACK_RATE_LIMITED.labels(method).inc()
        elif response.status_code >= 500:
            SLACK_CALLS.labels(method, "server_error").inc()
        elif isinstance(response.body, dict) and response.body.get("ok") is False:
            SLACK_CALLS.labels(method, "api_error").inc()
        else:
            SLACK_CALLS.labels(method, "ok").inc()
        return False
