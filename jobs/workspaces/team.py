"""The Slack workspace the current request or job works for.

The web process sets it from each verified request (Bolt's `context.team_id`), the worker from the
job it runs (the team recorded with the job's outbox row). Jobs submitted meanwhile inherit it, so a
follow-up job works for the same workspace as the click or job that caused it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from storage.outbox import PendingJob

_TEAM: ContextVar[str] = ContextVar("faultmaven_team_id", default="")


def current_team() -> str:
    """The workspace being served ("" when unknown: a single-workspace install, a webhook, a test)."""
    return _TEAM.get()


def serve_team(team_id: str) -> None:
    """Set the workspace for the rest of this request (each web request runs in its own copy)."""
    _TEAM.set(team_id)


@contextmanager
def serving_team(team_id: str) -> Iterator[None]:
    """The workspace for the duration of one job, restored afterwards."""
    token = _TEAM.set(team_id)
    try:
        yield
    finally:
        _TEAM.reset(token)


def team_job(job_key: str, job_name: str, args: list[str | int]) -> PendingJob:
    """A job for the workspace being served: its outbox row and RQ job carry the team id."""
    return PendingJob(job_key, job_name, args, current_team())
