"""A worker's metrics port: served when free, and a taken port never stops the worker."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from bot.redis_server import free_port
from bot.worker_metrics import serve_worker_metrics
from engine.knowledge.patterns_model import load_patterns
from engine.offline import OfflineEngine


def test_worker_metrics_are_served_on_the_port() -> None:
    port = free_port()

    serve_worker_metrics(port, OfflineEngine(load_patterns()))

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert "# TYPE faultmaven_jobs_started_total counter" in text
    assert "faultmaven_llm_breaker_state" not in text  # the offline engine has no breaker


def test_a_taken_metrics_port_is_reported_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with caplog.at_level(logging.WARNING, logger="bot.worker_metrics"):
            serve_worker_metrics(taken.getsockname()[1], OfflineEngine(load_patterns()))

    assert "worker metrics not served" in caplog.text
