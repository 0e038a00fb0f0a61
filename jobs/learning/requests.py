"""What handlers may ask of learning: read-only answers built in the worker and sent ephemerally."""

from __future__ import annotations

from pydantic import BaseModel

from jobs.submission import JobSubmitter, safe_key
from jobs.workspaces.team import team_job


class CaseListQuery(BaseModel):
    channel_id: str
    user_id: str
    all_channels: bool = False


class CaseStatusQuery(BaseModel):
    channel_id: str
    user_id: str
    case_id: int


class StatsQuery(BaseModel):
    channel_id: str
    user_id: str
    days: int = 30
    service: str = ""


class KnownFixDecision(BaseModel):
    fix_id: int
    user_id: str
    decision: str  # approve | reject | disable
    name: str = ""
    text: str = ""  # notes when approving, the reason when rejecting
    channel_id: str = ""


class LearningRequests:
    """Every request is recorded in the SQL outbox, then enqueued: a reviewer's decision or an answer
    to "how was it resolved?" survives a Redis outage like any other click."""

    def __init__(self, submitter: JobSubmitter) -> None:
        self.submitter = submitter

    def _enqueue(self, name: str, key: str, args: list[str | int]) -> bool:
        return self.submitter.submit(team_job(f"{name}:{safe_key(key)}", name, args))

    def list_cases(self, key: str, query: CaseListQuery) -> bool:
        """`/faultmaven list [all]`, once per Slack delivery key."""
        return self._enqueue(
            "list_open_cases", key, [query.channel_id, query.user_id, int(query.all_channels)]
        )

    def case_status(self, key: str, query: CaseStatusQuery) -> bool:
        """`/faultmaven status FM-12`, once per Slack delivery key."""
        return self._enqueue("show_case_status", key, [query.channel_id, query.user_id, query.case_id])

    def decide_known_fix(self, key: str, decision: KnownFixDecision) -> bool:
        """A reviewer's approve / reject / disable, once per Slack delivery key."""
        args: list[str | int] = [
            decision.fix_id,
            decision.user_id,
            decision.decision,
            decision.name,
            decision.text,
            decision.channel_id,
        ]
        return self._enqueue("decide_known_fix", key, args)

    def publish_home(self, key: str, user_id: str) -> bool:
        """Rebuild one person's Home tab, once per Slack delivery key."""
        return self._enqueue("publish_home", key, [user_id])

    def resolution_level(self, key: str, case_id: int, level: str, user_id: str, channel_id: str) -> bool:
        """The answer to "how was it resolved?", once per Slack delivery key."""
        return self._enqueue("record_resolution_level", key, [case_id, level, user_id, channel_id])

    def stats(self, key: str, query: StatsQuery) -> bool:
        """`/faultmaven stats [7d|30d|90d] [service]`, once per Slack delivery key."""
        return self._enqueue(
            "show_team_stats", key, [query.channel_id, query.user_id, query.days, query.service]
        )
