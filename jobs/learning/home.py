"""Publish a person's App Home: their open cases, what waits for their decision, the team's headline."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from bot.blocks.home import Headline, HomeItem, HomeView, build_home_view
from engine.approvals.votes import ProposalStatus
from engine.learning.figures import signature_label
from engine.models import CaseStatus
from engine.runbooks.reviewers import is_reviewer
from jobs.actions.cards import groups_of
from jobs.learning.case_lists import case_line
from jobs.learning.memory import thread_link
from jobs.learning.stats import gather_figures
from jobs.runbooks.reviews import AWAITING_REVIEW, reviewer_group_members
from jobs.runtime import JobContext, current_context

log = logging.getLogger(__name__)

HEADLINE_DAYS = 30
# What was last published to each person's Home tab (a digest), so an unchanged view is not re-sent.
HOME_DIGEST_PREFIX = "faultmaven:home:"
HOME_DIGEST_TTL_SECONDS = 24 * 3600


def _approvals(ctx: JobContext, user_id: str) -> list[HomeItem]:
    """Requests this person may vote on (an empty allow-list means anyone), not their own."""
    assert ctx.learning is not None
    waiting = []
    for row, approvers in ctx.learning.home.pending_approvals(ProposalStatus.PENDING.value):
        if row.requester == user_id:
            continue
        if approvers and user_id not in approvers and not groups_of(ctx, row, user_id):
            continue
        waiting.append(
            HomeItem(
                ref=f"#{row.id}",
                text=f"{row.action} on {row.target} (FM-{row.case_id}, requested by {row.requester})",
                link=thread_link(ctx, row.channel_id, row.card_ts or row.thread_ts),
            )
        )
    return waiting[:10]


def home_view(ctx: JobContext, user_id: str) -> HomeView:
    """Everything the Home tab shows for one person."""
    if ctx.learning is None:
        raise RuntimeError("no learning runtime in the JobContext: start jobs through `faultmaven worker`")
    home = ctx.learning.home
    waiting_drafts, waiting_fixes = (
        home.runbooks_awaiting_review(AWAITING_REVIEW),
        home.proposed_known_fixes(),
    )
    # Group membership costs Slack calls: asked only when there is something to review and the person
    # is not listed by id (refreshes after a change go to listed reviewers only, so they ask nothing).
    listed = user_id in ctx.runbook_reviewers
    members = (
        reviewer_group_members(ctx)
        if ctx.runbook_reviewers and not listed and (waiting_drafts or waiting_fixes)
        else {}
    )
    reviewer = is_reviewer(user_id, ctx.runbook_reviewers, members)
    drafts = [
        HomeItem(ref=f"RB-{r.id:04d}", text=r.title)
        for r in waiting_drafts
        if reviewer and user_id not in (r.author, r.edited_by)
    ]
    promotions = [
        HomeItem(
            ref=f"KF-{f.id}",
            text=f"{f.fix_text} ({signature_label(f.signature)}, resolved {f.successes}/{f.trials} times)",
            link=thread_link(ctx, f.channel_id, f.card_ts) if f.channel_id else None,
        )
        for f in waiting_fixes
        if reviewer
    ]
    figures = gather_figures(ctx, HEADLINE_DAYS, "")
    return HomeView(
        open_cases=[case_line(ctx, c) for c in home.open_cases_of(user_id, CaseStatus.RESOLVED.value)],
        approvals=_approvals(ctx, user_id),
        drafts=drafts,
        promotions=promotions,
        headline=Headline(
            opened=figures.opened,
            resolved=figures.resolved,
            median_ttr_s=figures.median_ttr_s,
            levels=figures.levels,
        ),
    )


def refresh_homes(ctx: JobContext, user_ids: list[str]) -> list[str]:
    """Re-publish the Home tabs something just changed for (user ids only; groups are not expanded).

    Idempotent and debounced by content: a view identical to the one last published for that person
    is not sent again, so re-runs, bursts of votes and changes that touch nobody's items cost no calls.
    Returns who got a new view.
    """
    if ctx.learning is None:
        return []
    published = []
    for user_id in dict.fromkeys(u for u in user_ids if u[:1] in ("U", "W")):
        if _publish(ctx, user_id, home_view(ctx, user_id), force=False):
            published.append(user_id)
    return published


def _publish(ctx: JobContext, user_id: str, view: HomeView, force: bool) -> bool:
    """views.publish unless (without `force`) this very view was the last one published for the person."""
    built = build_home_view(view)
    # What the view says, not how long ago things were opened: ages alone are no reason to publish.
    content = view.model_dump(mode="json", exclude={"open_cases": {"__all__": {"age_s"}}})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    redis = ctx.incidents.queue.connection if ctx.incidents is not None else None
    key = f"{HOME_DIGEST_PREFIX}{user_id}"
    if not force and redis is not None and redis.get(key) == digest.encode():
        return False
    ctx.slack.views_publish(user_id=user_id, view=built)
    if redis is not None:
        redis.set(key, digest, ex=HOME_DIGEST_TTL_SECONDS)
    return True


def reviewer_ids(ctx: JobContext) -> list[str]:
    """The runbook reviewers listed by user id (they review known fixes too)."""
    return [r for r in ctx.runbook_reviewers if not r.startswith("S")]


def publish_home(user_id: str) -> dict[str, Any]:
    """Rebuild and publish one person's Home tab (idempotent: the latest publish wins)."""
    ctx = current_context()
    view = home_view(ctx, user_id)
    _publish(ctx, user_id, view, force=True)  # opened: Slack may show an older view than we think
    log.info("home published", extra={"user": user_id})
    return {
        "user": user_id,
        "cases": [c.ref for c in view.open_cases],
        "approvals": [a.ref for a in view.approvals],
        "drafts": [d.ref for d in view.drafts],
        "promotions": [p.ref for p in view.promotions],
    }


def refresh_home(user_id: str) -> dict[str, Any]:
    """Job form of `refresh_homes` for one person, for jobs that cannot import the Home stack."""
    return {"user": user_id, "published": bool(refresh_homes(current_context(), [user_id]))}
