"""What handlers may ask of the runbook library: quick SQL reads, and jobs for anything slower."""

from __future__ import annotations

from bot.blocks.runbook_revisions import LineageEntry
from engine.redaction import redact, redact_json
from engine.runbooks.models import Runbook, parse_ref
from jobs.runbooks.edits import RunbookEdit
from jobs.submission import JobSubmitter, safe_key
from jobs.workspaces.team import team_job
from storage.runbook_revisions import RunbookRevisionRepository
from storage.runbooks import RunbookRepository


class RunbookRequests:
    """Every request is recorded in the SQL outbox, then enqueued (search needs the embedding model,
    which lives in the worker). Each job gets its outbox key last, to mark the entry claimed."""

    def __init__(self, submitter: JobSubmitter, repo: RunbookRepository) -> None:
        self.submitter = submitter
        self.repo = repo

    def _submit(self, job_name: str, key: str, args: list[str | int]) -> bool:
        outbox_key = f"{job_name}:{safe_key(key)}"
        return self.submitter.submit(team_job(outbox_key, job_name, [*args, outbox_key]))

    def search(self, key: str, channel_id: str, user_id: str, query: str) -> bool:
        """Enqueue a search whose results reach the user ephemerally; once per Slack delivery key."""
        query = redact(query)  # a pasted error may carry a token; the query travels in the job
        return self._submit("search_runbooks", key, [channel_id, user_id, query])

    def share(self, key: str, channel_id: str, user_id: str, runbook_id: int, target: str = "") -> bool:
        """Enqueue posting a runbook's card in `target` (as typed) or `channel_id`; once per delivery key."""
        return self._submit("share_runbook", key, [channel_id, user_id, runbook_id, target])

    def create_draft(self, key: str, case_id: int, user_id: str) -> bool:
        """Enqueue drafting a runbook from a resolved case (the job itself is idempotent per case)."""
        return self._submit("create_runbook_draft", key, [case_id, user_id])

    def decline(self, key: str, case_id: int, user_id: str) -> bool:
        """Enqueue closing a case's runbook offer ("No thanks")."""
        return self._submit("decline_runbook_offer", key, [case_id, user_id])

    def review(
        self, key: str, runbook_id: int, user_id: str, decision: str, channel_id: str, notify: bool = False
    ) -> bool:
        """Enqueue an Approve / Reject vote on a drafted runbook; once per Slack delivery key.

        `notify`: the click came from an ephemeral message (the review queue), so confirm the outcome.
        """
        return self._submit(
            "review_runbook_draft", key, [runbook_id, user_id, decision, channel_id, int(notify)]
        )

    def review_queue(self, key: str, channel_id: str, user_id: str) -> bool:
        """Enqueue listing every runbook awaiting review, ephemerally, for `/faultmaven runbook review`."""
        return self._submit("list_runbook_reviews", key, [channel_id, user_id])

    def save_edit(
        self, key: str, runbook_id: int, user_id: str, channel_id: str, edit: RunbookEdit, notify: bool
    ) -> bool:
        """Enqueue saving an edit-modal submission (the text travels in the job; keyed on the view)."""
        return self._submit(
            "save_runbook_edit",
            key,
            [runbook_id, user_id, channel_id, redact_json(edit.model_dump_json()), int(notify)],
        )

    def create_draft_with_fix(self, key: str, case_id: int, user_id: str, root_cause: str, fix: str) -> bool:
        """Enqueue drafting from a case resolved at its source, with the root cause and fix typed in Slack."""
        return self._submit(
            "create_runbook_draft_with_fix", key, [case_id, user_id, redact(root_cause), redact(fix)]
        )

    def reject_revision(self, key: str, runbook_id: int, user_id: str, channel_id: str, reason: str) -> bool:
        """Enqueue rejecting a next version with the reviewer's reason; once per form submission."""
        return self._submit("reject_runbook_revision", key, [runbook_id, user_id, channel_id, redact(reason)])

    def vote(self, key: str, channel_id: str, user_id: str, value: str, worked: bool) -> bool:
        """Enqueue a ✅ / ❌ runbook vote; the job checks the button's value against its records."""
        return self._submit("record_runbook_vote", key, [channel_id, user_id, value, worked])

    def get(self, ref: str) -> Runbook | None:
        """One runbook by RB-0042 or 42 (a primary-key read, fine inside the ack window)."""
        runbook_id = parse_ref(ref)
        row = self.repo.get(runbook_id) if runbook_id is not None else None
        # Here, not at the top: the library module pulls in the search stack (bm25s, numpy), which
        # the web process never needs for this primary-key read.
        from jobs.runbooks.library import runbook_from_row

        return runbook_from_row(row) if row else None

    def lineage(self, runbook: Runbook) -> list[LineageEntry]:
        """The runbook's versions, oldest first (a few indexed reads), for `runbook show`."""
        revisions = RunbookRevisionRepository(self.repo.sessions)
        rows = revisions.lineage(runbook.id)
        if len(rows) < 2:
            return []
        why = revisions.for_runbooks([r.id for r in rows])
        return [
            LineageEntry(
                ref=f"RB-{r.id:04d}",
                version=r.version,
                status=r.status,
                reviewer=r.reviewer,
                reviewed_at=r.reviewed_at,
                times_used=r.times_used,
                times_worked=r.times_worked,
                times_suggested=r.times_suggested,
                failure=why[r.id].failure_kind.replace("_", " ") if r.id in why else None,
                case_ref=r.case_ref if r.id in why else None,
            )
            for r in rows
        ]
