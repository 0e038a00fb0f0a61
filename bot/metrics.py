"""`GET /metrics` of the web process: Slack requests and ack latency, plus figures read at scrape time.

Queue depth, outbox backlog age and case counts are read from Redis and SQL when Prometheus scrapes,
so they are right whichever process (or machine) did the work. Job, Slack-call and LLM figures live
in each worker process and are served on its own metrics port (see jobs/metrics.py).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from urllib.parse import parse_qs

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector, CollectorRegistry
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.logs import request_id_var
from bot.services import Services
from jobs.queue import QUEUE_NAMES
from storage.ops_stats import cases_by_status, oldest_unclaimed_job_age_seconds

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "faultmaven_requests", "Requests from Slack and webhooks, by surface and outcome", ["surface", "outcome"]
)
ACK_SECONDS = Histogram(
    "faultmaven_ack_seconds",
    "Time from a request's arrival to the start of our answer (Slack allows 3 s)",
    ["surface"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
)
SLACK_PATH = "/slack/events"
WEBHOOK_PREFIX = "/webhooks/"


def slack_surface(body: bytes, content_type: str) -> str:
    """slash_command, event, interaction or url_verification, from a Slack request body."""
    if content_type.startswith("application/json"):
        try:
            payload = json.loads(body)
        except ValueError:
            return "unknown"
        kind = payload.get("type") if isinstance(payload, dict) else None
        return "event" if kind == "event_callback" else str(kind or "unknown")
    form = parse_qs(body.decode("utf-8", errors="replace"))
    if "command" in form:
        return "slash_command"
    if "payload" in form:
        return "interaction"
    return "unknown"


def outcome_of(status: int) -> str:
    """ok (2xx/3xx), rejected (4xx: bad signature, malformed) or error (5xx)."""
    return "ok" if status < 400 else "rejected" if status < 500 else "error"


class RequestMetrics:
    """ASGI middleware: counts Slack and webhook requests and times each until its answer starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != SLACK_PATH and not path.startswith(WEBHOOK_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        body = bytearray()
        status = 500
        acked_after: float | None = None

        async def teeing_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        async def timing_send(message: Message) -> None:
            nonlocal status, acked_after
            if message["type"] == "http.response.start":
                status = int(message["status"])
                acked_after = time.perf_counter() - started
            await send(message)

        token = request_id_var.set(uuid.uuid4().hex[:12])
        try:
            await self.app(scope, teeing_receive, timing_send)
        finally:
            request_id_var.reset(token)
            headers = dict(scope.get("headers") or [])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            surface = (
                "webhook" if path.startswith(WEBHOOK_PREFIX) else slack_surface(bytes(body), content_type)
            )
            REQUESTS.labels(surface, outcome_of(status)).inc()
            ACK_SECONDS.labels(surface).observe(
                acked_after if acked_after is not None else time.perf_counter() - started
            )


class BacklogCollector(Collector):
    """Queue depth, outbox backlog age and cases, read from Redis and SQL at each scrape."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterable[GaugeMetricFamily | CounterMetricFamily]:
        depth = GaugeMetricFamily("faultmaven_queue_depth", "Jobs waiting on each RQ queue", labels=["queue"])
        failed = GaugeMetricFamily(
            "faultmaven_jobs_failed_kept", "Failed jobs kept for retry", labels=["queue"]
        )
        try:
            for name in QUEUE_NAMES:
                queue = self._services.queue.queue(name)
                depth.add_metric([name], float(queue.count))
                failed.add_metric([name], float(queue.failed_job_registry.count))
            yield depth
            yield failed
        except RedisError:
            log.warning("metrics: Redis unavailable; queue depth left out")
        try:
            age = oldest_unclaimed_job_age_seconds(self._services.db)
            statuses = cases_by_status(self._services.db)
        except SQLAlchemyError:
            log.warning("metrics: database unavailable; outbox and case figures left out")
            return
        yield GaugeMetricFamily(
            "faultmaven_outbox_backlog_age_seconds", "Age of the oldest job no worker has claimed", value=age
        )
        yield CounterMetricFamily("faultmaven_cases_opened", "Cases opened", value=sum(statuses.values()))
        by_status = GaugeMetricFamily(
            "faultmaven_cases", "Cases by status (resolved, open…)", labels=["status"]
        )
        for status, count in sorted(statuses.items()):
            by_status.add_metric([status], float(count))
        yield by_status


def instrument_web_app(app: Starlette, services: Services) -> None:
    """Add request metrics and `GET /metrics` to the web app (before it serves)."""
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(BacklogCollector(services))

    async def metrics(_: Request) -> Response:
        # The backlog figures query Redis and SQL: off the event loop.
        text = generate_latest(REGISTRY) + await run_in_threadpool(generate_latest, backlog)
        return Response(text, media_type=CONTENT_TYPE_LATEST)

    app.router.routes.insert(0, Route("/metrics", metrics, methods=["GET"]))
    app.add_middleware(RequestMetrics)
