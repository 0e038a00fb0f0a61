"""The review card of a runbook's next version, built from what is stored (no Slack, no Home refresh)."""

from __future__ import annotations

import json

from bot.blocks.runbook_revisions import RevisionCard
from engine.learning.runbook_failures import FAILURE_LABELS, FailureKind
from engine.runbooks.revision import unified_diff
from jobs.learning.runtime import LearningRuntime
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.runbook_models import RunbookRevisionRow


def learning_parts(ctx: JobContext) -> tuple[LearningRuntime, RunbookLibrary]:
    """The learning runtime and the runbook library, which every revision step needs."""
    if ctx.learning is None or ctx.runbooks is None:
        raise RuntimeError("no learning runtime or runbook library: start jobs through `faultmaven worker`")
    return ctx.learning, ctx.runbooks


def revision_card(ctx: JobContext, row: RunbookRevisionRow, note: str | None = None) -> RevisionCard | None:
    """The review card for a stored revision (None when its runbooks are gone)."""
    learning, library = learning_parts(ctx)
    child = library.get(row.runbook_id) if row.runbook_id else None
    parent = library.get(row.parent_id)
    case = ctx.cases.get(row.case_id)
    if child is None or parent is None or case is None:
        return None
    outcome = learning.outcomes.for_case(case.id)
    votes = next((r for r in learning.facts.runbooks(case.id) if r.runbook_id == parent.id), None)
    return RevisionCard(
        runbook=child,
        parent_ref=parent.ref,
        parent_version=parent.version,
        case_ref=case.ref,
        failure=FAILURE_LABELS[FailureKind(row.failure_kind)],
        reason=row.reason,
        evidence=json.loads(row.evidence_json or "[]"),
        failed_votes=votes.failed if votes else 0,
        worked_votes=votes.worked if votes else 0,
        stated_fix=outcome.stated_fix if outcome else "",
        diff=unified_diff(parent.sections, child.sections),
        note=note,
        rejection_reason=row.rejection_reason,
    )
