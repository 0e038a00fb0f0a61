"""A worker process's Prometheus endpoint: a small HTTP server on its own port."""

from __future__ import annotations

import logging

from prometheus_client import start_http_server

from engine.llm.breaker import CircuitBreaker
from engine.ports import DiagnosisEngine
from jobs.metrics import watch_breaker

log = logging.getLogger(__name__)


def serve_worker_metrics(port: int, engine: DiagnosisEngine, host: str = "127.0.0.1") -> None:
    """Serve this worker's metrics (jobs, Slack calls, LLM usage, breaker) on host:port."""
    # Only the Claude engine has a breaker (the offline engine never calls out).
    breaker = getattr(engine, "breaker", None)
    if isinstance(breaker, CircuitBreaker):
        watch_breaker(lambda: breaker.state.value)
    try:
        start_http_server(port, addr=host)
    except OSError as error:
        # A taken port must not crash-loop the worker: jobs matter more than their figures.
        log.warning("worker metrics not served", extra={"port": port, "error": str(error)})
        return
    log.info("worker metrics served", extra={"url": f"http://{host}:{port}/metrics"})
