"""Ask for App Home refreshes without importing the Home stack (the web process imports the callers)."""

from __future__ import annotations

from collections.abc import Iterable

from jobs.queue import JobQueue
from storage.outbox import PendingJob


def queue_home_refresh(queue: JobQueue | None, user_ids: Iterable[str], change: str) -> int:
    """One `refresh_home` job per person and change; RQ refuses the same job id twice, and the job
    publishes only a view that differs from the last one. Returns how many were queued."""
    if queue is None:
        return 0
    queued = 0
    for user_id in dict.fromkeys(u for u in user_ids if u[:1] in ("U", "W")):
        queued += queue.enqueue(PendingJob(f"refresh_home:{user_id}:{change}", "refresh_home", [user_id]))
    return queued
