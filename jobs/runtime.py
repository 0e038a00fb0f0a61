"""What jobs run with: built once per worker process by the composition root, then looked up."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from engine.ports import DiagnosisEngine
from storage.cases import CaseRepository


@dataclass
class JobContext:
    cases: CaseRepository
    slack: WebClient
    engine: DiagnosisEngine
    bot_user_id: str = "FaultMaven"


_context: JobContext | None = None


def install_context(context: JobContext) -> None:
    """Called by the worker's composition root (and by tests) before any job runs."""
    global _context
    _context = context


def current_context() -> JobContext:
    """The installed context; a job run outside a configured worker is a programming error."""
    if _context is None:
        raise RuntimeError("no JobContext installed: start jobs through `faultmaven worker`")
    return _context
