"""What incident jobs need beyond the JobContext: their repository, the queue, routing and PagerDuty."""

from __future__ import annotations

from dataclasses import dataclass, field

from jobs.incidents.pagerduty import PagerDutyClient
from jobs.incidents.routing import RouteRule
from jobs.queue import JobQueue
from storage.incidents import IncidentRepository


@dataclass
class IncidentRuntime:
    repo: IncidentRepository
    queue: JobQueue
    default_channel: str | None = None
    routes: list[RouteRule] = field(default_factory=list)
    # Thread updates for one incident are coalesced over this window (0: sync after every event).
    debounce_seconds: float = 2.0
    pagerduty: PagerDutyClient | None = None
