"""The `/faultmaven stats` reply: the team's figures for a period, one short line per question."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip, duration
from bot.ids import Ids
from engine.learning.figures import signature_label
from engine.learning.team_figures import GroupTimes, RateTimes, RunbookScore, TeamFigures

LEVEL_NAMES = {
    "L1": "L1 known fix",
    "L2": "L2 FaultMaven's lead",
    "L3": "L3 team alone",
    "escalated": "escalated",
}


def _time(seconds: float | None) -> str:
    return duration(seconds) if seconds is not None else "–"


def _percent(rate: float | None) -> str:
    return f"{rate:.0%}" if rate is not None else "–"


def _signature(signature: str) -> str:
    return escape(signature_label(signature))


def _groups(groups: list[GroupTimes]) -> str:
    return " · ".join(
        f"{escape(clip(g.name, 40))} {g.cases} ({_time(g.median_s)} / p90 {_time(g.p90_s)})"
        for g in groups[:5]
    )


def _rate(label: str, rate: RateTimes) -> str:
    return f"*{label}:* {rate.cases} cases, {_percent(rate.rate)} resolved, median {_time(rate.median_s)}"


def _board(scores: list[RunbookScore]) -> str:
    return ", ".join(f"{s.ref} {escape(clip(s.title, 40))} {s.worked}/{s.used}" for s in scores) or "–"


def stats_text(figures: TeamFigures) -> str:
    """Notification fallback."""
    return (
        f"FaultMaven figures, last {figures.days} days: {figures.opened} opened, {figures.resolved} resolved"
    )


def build_stats_blocks(figures: TeamFigures) -> list[Block]:
    """Volumes and times, levels, runbooks, approvals and cost; the chart follows in the thread."""
    scope = f" · service `{escape(clip(figures.service, 60))}`" if figures.service else ""
    lines = [
        f"📊 *FaultMaven figures · last {figures.days} days{scope}*",
        f"*Cases:* {figures.opened} opened · {figures.resolved} resolved · time to resolution median "
        f"{_time(figures.median_ttr_s)}, p90 {_time(figures.p90_ttr_s)}",
        "*Resolved:* " + " · ".join(f"{LEVEL_NAMES[k]} {v}" for k, v in figures.levels.items()),
        _rate("With a runbook", figures.with_runbook) + " · " + _rate("without", figures.without_runbook),
    ]
    if figures.by_category:
        lines.append(f"*By category (median / p90):* {_groups(figures.by_category)}")
    if figures.by_service:
        lines.append(f"*By service (median / p90):* {_groups(figures.by_service)}")
    if figures.top_problems:
        top = " · ".join(f"{_signature(sig)} ×{count}" for sig, count in figures.top_problems)
        lines.append(f"*Most frequent:* {top}")
    lines.append(f"*Runbook leaders:* {_board(figures.leaders)} · *laggards:* {_board(figures.laggards)}")
    approvals = figures.approvals
    lines.append(
        f"*Approvals:* {approvals.requested} requested · {approvals.approved} approved · "
        f"{approvals.refused} denied or expired · median decision {_time(approvals.median_latency_s)}"
    )
    lines.append(f"*LLM cost:* ${figures.llm_cost_usd:,.2f}")
    note = "Weekly cases and median time to resolution are charted in the thread."
    return [
        SectionBlock(block_id=Ids.STATS_FIGURES, text=MarkdownTextObject(text="\n".join(lines)[:2900])),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]
