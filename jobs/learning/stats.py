"""`/faultmaven stats [7d|30d|90d] [service]`: the team's figures in the channel, the chart in its thread."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.blocks.stats import build_stats_blocks, stats_text
from engine.learning.chart import render_weekly_chart
from engine.learning.team_figures import ApprovalSample, CaseSample, RunbookSample, TeamFigures, team_figures
from engine.models import Diagnosis
from jobs.runtime import JobContext, current_context
from storage.models import as_utc, utcnow
from storage.team_stats import CaseRecord

log = logging.getLogger(__name__)

CHART_NAME = "faultmaven-stats.png"


def _sample(record: CaseRecord) -> CaseSample:
    case, outcome = record.case, record.outcome
    if outcome is not None:
        category = outcome.category
    elif case.diagnosis_json:
        category = Diagnosis.model_validate_json(case.diagnosis_json).category.value
    else:
        category = "unknown"
    return CaseSample(
        case_id=case.id,
        opened_at=as_utc(case.created_at),
        category=category,
        service=(case.service or "").lower(),
        resolved_at=as_utc(outcome.resolved_at) if outcome else None,
        time_to_resolution_s=outcome.time_to_resolution_s if outcome else None,
        level=outcome.level if outcome else None,
        signature=outcome.signature if outcome else None,
        had_runbook=record.had_runbook,
    )


def gather_figures(ctx: JobContext, days: int, service: str) -> TeamFigures:
    """Read the period from SQL and compute every figure."""
    if ctx.learning is None:
        raise RuntimeError("no learning runtime in the JobContext: start jobs through `faultmaven worker`")
    team, now = ctx.learning.team, utcnow()
    since = now - timedelta(days=days)
    return team_figures(
        cases=[_sample(r) for r in team.cases(since, service)],
        runbooks=[
            RunbookSample(ref=f"RB-{r.runbook_id:04d}", title=r.title, used=r.used, worked=r.worked)
            for r in team.runbooks(since, service)
        ],
        approvals=[
            ApprovalSample(status=a.status, requested_at=a.requested_at, decided_at=a.decided_at)
            for a in team.approvals(since, service)
        ],
        llm_cost_usd=team.llm_cost(since, service),
        days=days,
        now=now,
        service=service,
    )


def show_team_stats(channel_id: str, user_id: str, days: int, service: str) -> dict[str, Any]:
    """Post the figures in the channel and upload the weekly chart into that reply's thread."""
    ctx = current_context()
    figures = gather_figures(ctx, int(days), service)
    chart = render_weekly_chart(
        figures.weekly, f"Last {figures.days} days" + (f" · {service}" if service else "")
    )
    posted = ctx.slack.chat_postMessage(
        channel=channel_id, text=stats_text(figures), blocks=build_stats_blocks(figures)
    )
    ctx.slack.files_upload_v2(
        channel=channel_id,
        thread_ts=str(posted["ts"]),
        content=chart,
        filename=CHART_NAME,
        title=f"Weekly cases and median time to resolution, last {figures.days} days",
    )
    log.info("team stats posted", extra={"channel": channel_id, "user": user_id, "days": figures.days})
    return {"ts": str(posted["ts"]), "opened": figures.opened, "resolved": figures.resolved}
