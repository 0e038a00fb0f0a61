"""The team's figures for a period: volumes, times, levels, runbooks, approvals, cost, weekly trend."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field

from engine.approvals.votes import ProposalStatus
from engine.learning.figures import median_of, percentile, wilson_interval

LEVELS = ("L1", "L2", "L3", "escalated")
# A proposal that got past approval, whatever its run did afterwards; and one that never did.
APPROVED = {ProposalStatus.APPROVED, ProposalStatus.RUNNING, ProposalStatus.SUCCEEDED, ProposalStatus.FAILED}
APPROVED |= {ProposalStatus.UNDONE}
REFUSED = {ProposalStatus.DENIED, ProposalStatus.EXPIRED, ProposalStatus.FORBIDDEN}
TOP = 5
BOARD = 3


class CaseSample(BaseModel):
    """One case opened in the period, with how it ended if it did."""

    case_id: int
    opened_at: datetime
    category: str
    service: str = ""
    resolved_at: datetime | None = None
    time_to_resolution_s: int | None = None
    level: str | None = None
    signature: str | None = None
    had_runbook: bool = False


class RunbookSample(BaseModel):
    ref: str
    title: str
    used: int
    worked: int


class ApprovalSample(BaseModel):
    status: str
    requested_at: datetime
    decided_at: datetime | None = None


class GroupTimes(BaseModel):
    name: str
    cases: int
    median_s: float | None = None
    p90_s: float | None = None


class RateTimes(BaseModel):
    cases: int = 0
    resolved: int = 0
    median_s: float | None = None

    @property
    def rate(self) -> float | None:
        """Share resolved, or None for no cases."""
        return self.resolved / self.cases if self.cases else None


class RunbookScore(BaseModel):
    ref: str
    title: str
    used: int
    worked: int
    # Ranked by the Wilson lower bound, so 1/1 does not beat 9/10.
    low: float


class Approvals(BaseModel):
    requested: int = 0
    approved: int = 0
    refused: int = 0
    median_latency_s: float | None = None


class WeekPoint(BaseModel):
    week_start: date
    opened: int
    median_ttr_s: float | None = None


class TeamFigures(BaseModel):
    days: int
    service: str = ""
    opened: int = 0
    resolved: int = 0
    median_ttr_s: float | None = None
    p90_ttr_s: float | None = None
    by_category: list[GroupTimes] = Field(default_factory=list)
    by_service: list[GroupTimes] = Field(default_factory=list)
    top_problems: list[tuple[str, int]] = Field(default_factory=list)
    with_runbook: RateTimes = Field(default_factory=RateTimes)
    without_runbook: RateTimes = Field(default_factory=RateTimes)
    levels: dict[str, int] = Field(default_factory=dict)
    leaders: list[RunbookScore] = Field(default_factory=list)
    laggards: list[RunbookScore] = Field(default_factory=list)
    approvals: Approvals = Field(default_factory=Approvals)
    llm_cost_usd: float = 0.0
    weekly: list[WeekPoint] = Field(default_factory=list)


def _times(cases: list[CaseSample]) -> list[int]:
    return [c.time_to_resolution_s for c in cases if c.time_to_resolution_s is not None]


def _groups(cases: list[CaseSample], key: str) -> list[GroupTimes]:
    grouped: dict[str, list[CaseSample]] = defaultdict(list)
    for case in cases:
        grouped[getattr(case, key) or "-"].append(case)
    rows = [
        GroupTimes(
            name=name,
            cases=len(group),
            median_s=median_of(_times(group)),
            p90_s=percentile(_times(group), 0.9),
        )
        for name, group in grouped.items()
    ]
    return sorted(rows, key=lambda g: (-g.cases, g.name))


def _rate(cases: list[CaseSample]) -> RateTimes:
    resolved = [c for c in cases if c.resolved_at is not None]
    return RateTimes(cases=len(cases), resolved=len(resolved), median_s=median_of(_times(resolved)))


def _board(runbooks: list[RunbookSample]) -> tuple[list[RunbookScore], list[RunbookScore]]:
    scored = [
        RunbookScore(
            ref=r.ref, title=r.title, used=r.used, worked=r.worked, low=wilson_interval(r.worked, r.used)[0]
        )
        for r in runbooks
        if r.used > 0
    ]
    best = sorted(scored, key=lambda r: (-r.low, -r.used, r.ref))[:BOARD]
    by_rate = sorted(scored, key=lambda r: (r.worked / r.used, -r.used, r.ref))
    worst = [r for r in by_rate if r not in best][:BOARD]
    return best, worst


def _approvals(samples: list[ApprovalSample]) -> Approvals:
    latencies = [
        int((a.decided_at - a.requested_at).total_seconds()) for a in samples if a.decided_at is not None
    ]
    return Approvals(
        requested=len(samples),
        approved=sum(1 for a in samples if a.status in APPROVED),
        refused=sum(1 for a in samples if a.status in REFUSED),
        median_latency_s=median_of(latencies),
    )


def monday(day: date) -> date:
    """The Monday starting the ISO week of a day."""
    return day - timedelta(days=day.weekday())


def _weekly(cases: list[CaseSample], since: datetime, now: datetime) -> list[WeekPoint]:
    opened: Counter[date] = Counter(monday(c.opened_at.date()) for c in cases)
    resolved: dict[date, list[int]] = defaultdict(list)
    for case in cases:
        if case.resolved_at is not None and case.time_to_resolution_s is not None:
            resolved[monday(case.resolved_at.date())].append(case.time_to_resolution_s)
    weeks, week = [], monday(since.date())
    while week <= now.date():
        weeks.append(WeekPoint(week_start=week, opened=opened[week], median_ttr_s=median_of(resolved[week])))
        week += timedelta(days=7)
    return weeks


def team_figures(
    cases: list[CaseSample],
    runbooks: list[RunbookSample],
    approvals: list[ApprovalSample],
    llm_cost_usd: float,
    days: int,
    now: datetime,
    service: str = "",
) -> TeamFigures:
    """Every figure `/faultmaven stats` shows, from the cases opened in the last `days` days."""
    since = now - timedelta(days=days)
    resolved = [c for c in cases if c.resolved_at is not None]
    levels = Counter(c.level for c in resolved if c.level)
    leaders, laggards = _board(runbooks)
    problems = Counter(c.signature for c in resolved if c.signature)
    return TeamFigures(
        days=days,
        service=service,
        opened=len(cases),
        resolved=len(resolved),
        median_ttr_s=median_of(_times(resolved)),
        p90_ttr_s=percentile(_times(resolved), 0.9),
        by_category=_groups(resolved, "category"),
        by_service=_groups(resolved, "service"),
        top_problems=sorted(problems.items(), key=lambda p: (-p[1], p[0]))[:TOP],
        with_runbook=_rate([c for c in cases if c.had_runbook]),
        without_runbook=_rate([c for c in cases if not c.had_runbook]),
        levels={level: levels.get(level, 0) for level in LEVELS},
        leaders=leaders,
        laggards=laggards,
        approvals=_approvals(approvals),
        llm_cost_usd=round(llm_cost_usd, 4),
        weekly=_weekly(cases, since, now),
    )
