"""What handlers may ask of the runbook library: quick SQL reads, and jobs for anything slower."""

from __future__ import annotations

import re

from engine.runbooks.models import Runbook, parse_ref
from jobs.queue import JobQueue
from jobs.runbook_edits import RunbookEdit
from storage.outbox import PendingJob
from storage.runbooks import RunbookRepository


def _safe(key: str) -> str:
    """RQ job ids allow letters, digits, '_' and '-'; Slack ids carry dots."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


class RunbookRequests:
    """Searches and shares are enqueued (search needs the embedding model, which lives in the worker)."""

    def __init__(self, queue: JobQueue, repo: RunbookRepository) -> None:
        self.queue = queue
        self.repo = repo

    def search(self, key: str, channel_id: str, user_id: str, query: str) -> bool:
        """Enqueue a search whose results reach the user ephemerally; once per Slack delivery key."""
        job = PendingJob(f"search_runbooks:{_safe(key)}", "search_runbooks", [channel_id, user_id, query])
        return self.queue.enqueue(job)

    def share(self, key: str, channel_id: str, user_id: str, runbook_id: int) -> bool:
        """Enqueue posting a runbook's card in a channel; once per Slack delivery key."""
        job = PendingJob(f"share_runbook:{_safe(key)}", "share_runbook", [channel_id, user_id, runbook_id])
        return self.queue.enqueue(job)

    def create_draft(self, key: str, case_id: int, user_id: str) -> bool:
        """Enqueue drafting a runbook from a resolved case (the job itself is idempotent per case)."""
        job = PendingJob(f"create_runbook_draft:{_safe(key)}", "create_runbook_draft", [case_id, user_id])
        return self.queue.enqueue(job)

    def decline(self, key: str, case_id: int, user_id: str) -> bool:
        """Enqueue closing a case's runbook offer ("No thanks")."""
        job = PendingJob(f"decline_runbook_offer:{_safe(key)}", "decline_runbook_offer", [case_id, user_id])
        return self.queue.enqueue(job)

    def review(
        self, key: str, runbook_id: int, user_id: str, decision: str, channel_id: str, notify: bool = False
    ) -> bool:
        """Enqueue an Approve / Reject vote on a drafted runbook; once per Slack delivery key.

        `notify`: the click came from an ephemeral message (the review queue), so confirm the outcome.
        """
        job = PendingJob(
            f"review_runbook_draft:{_safe(key)}",
            "review_runbook_draft",
            [runbook_id, user_id, decision, channel_id, *([1] if notify else [])],
        )
        return self.queue.enqueue(job)

    def review_queue(self, key: str, channel_id: str, user_id: str) -> bool:
        """Enqueue listing every runbook awaiting review, ephemerally, for `/faultmaven runbook review`."""
        job = PendingJob(f"list_runbook_reviews:{_safe(key)}", "list_runbook_reviews", [channel_id, user_id])
        return self.queue.enqueue(job)

    def save_edit(
        self, key: str, runbook_id: int, user_id: str, channel_id: str, edit: RunbookEdit, notify: bool
    ) -> bool:
        """Enqueue saving an edit-modal submission (the text travels in the job; keyed on the view)."""
        job = PendingJob(
            f"save_runbook_edit:{_safe(key)}",
            "save_runbook_edit",
            [runbook_id, user_id, channel_id, edit.model_dump_json(), int(notify)],
        )
        return self.queue.enqueue(job)

    def create_draft_with_fix(self, key: str, case_id: int, user_id: str, root_cause: str, fix: str) -> bool:
        """Enqueue drafting from a case resolved at its source, with the root cause and fix typed in Slack."""
        job = PendingJob(
            f"create_runbook_draft_with_fix:{_safe(key)}",
            "create_runbook_draft_with_fix",
            [case_id, user_id, root_cause, fix],
        )
        return self.queue.enqueue(job)

    def vote(self, key: str, channel_id: str, user_id: str, value: str, worked: bool) -> bool:
        """Enqueue a ✅ / ❌ runbook vote; the job checks the button's value (it may be forged)."""
        job = PendingJob(
            f"record_runbook_vote:{_safe(key)}", "record_runbook_vote", [channel_id, user_id, value, worked]
        )
        return self.queue.enqueue(job)

    def get(self, ref: str) -> Runbook | None:
        """One runbook by RB-0042 or 42 (a primary-key read, fine inside the ack window)."""
        runbook_id = parse_ref(ref)
        row = self.repo.get(runbook_id) if runbook_id is not None else None
        # Here, not at the top: the library module pulls in the search stack (bm25s, numpy), which
        # the web process never needs for this primary-key read.
        from jobs.runbook_library import runbook_from_row

        return runbook_from_row(row) if row else None
