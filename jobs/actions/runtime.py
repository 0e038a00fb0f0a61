"""What action jobs need beyond the JobContext: the policy, the executors, and a clock tests can set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from engine.actions.executors import ExecutorChain
from engine.approvals.policy import ApprovalPolicy
from jobs.queue import JobQueue
from storage.actions import ActionRepository


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


@dataclass
class ActionRuntime:
    repo: ActionRepository
    policy: ApprovalPolicy
    executors: ExecutorChain
    queue: JobQueue
    # Dry run is the default for a whole deployment until an operator turns execution on.
    dry_run: bool = True
    clock: Callable[[], datetime] = field(default=utc_now)
    # An unreachable automation endpoint is retried with backoff this many times before giving up.
    max_attempts: int = 8
    # Channel id → environment (FAULTMAVEN_CHANNEL_ENVIRONMENTS); channel id or "*" → on-call user group.
    channel_environments: dict[str, str] = field(default_factory=dict)
    oncall_groups: dict[str, str] = field(default_factory=dict)

    def oncall_group(self, channel_id: str) -> str | None:
        """The user group approval cards in this channel mention when the policy names nobody."""
        return self.oncall_groups.get(channel_id) or self.oncall_groups.get("*")
