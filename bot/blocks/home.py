"""App Home: the viewer's open cases, what waits for their decision, and the team's 30-day headline."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.case_lists import CaseLine, case_summary
from bot.blocks.mrkdwn import escape
from bot.blocks.plain import clip, duration
from bot.ids import Ids


class HomeItem(BaseModel):
    ref: str
    text: str
    link: str | None = None


class Headline(BaseModel):
    opened: int
    resolved: int
    median_ttr_s: float | None = None
    levels: dict[str, int]


class HomeView(BaseModel):
    open_cases: list[CaseLine]
    approvals: list[HomeItem]
    drafts: list[HomeItem]
    promotions: list[HomeItem]
    headline: Headline


def _items(items: list[HomeItem], empty: str) -> str:
    if not items:
        return f"_{empty}_"
    lines = []
    for item in items:
        ref = f"<{escape(item.link)}|{item.ref}>" if item.link else item.ref
        lines.append(f"• *{ref}* {escape(clip(item.text, 150))}")
    return "\n".join(lines)


def _section(block_id: Ids, title: str, body: str) -> SectionBlock:
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=f"*{title}*\n{body}"[:2900]))


def build_home_view(view: HomeView) -> View:
    """The Home tab, rebuilt whole each time it is published."""
    cases = (
        "\n".join(case_summary(c, with_channel=True) for c in view.open_cases) or "_No open cases of yours._"
    )
    h = view.headline
    levels = " · ".join(f"{k} {v}" for k, v in h.levels.items())
    median = duration(h.median_ttr_s) if h.median_ttr_s is not None else "–"
    headline = f"{h.opened} opened · {h.resolved} resolved · median time to resolution {median} · {levels}"
    blocks: list[Block] = [
        HeaderBlock(text="FaultMaven"),
        _section(Ids.HOME_CASES, "Your open cases", cases),
        _section(
            Ids.HOME_APPROVALS, "Approvals waiting for you", _items(view.approvals, "Nothing to approve.")
        ),
        _section(Ids.HOME_REVIEWS, "Runbook drafts to review", _items(view.drafts, "No drafts waiting.")),
        _section(
            Ids.HOME_PROMOTIONS, "Known fixes to review", _items(view.promotions, "No promotions waiting.")
        ),
        DividerBlock(),
        _section(Ids.HOME_HEADLINE, "Team, last 30 days", headline),
    ]
    return View(type="home", callback_id=Ids.HOME_VIEW, blocks=blocks)
