"""What handlers may ask of the runbook library: quick SQL reads, and jobs for anything slower."""

from __future__ import annotations

import re

from engine.runbooks.models import Runbook, parse_ref
from jobs.queue import JobQueue
from jobs.runbook_library import runbook_from_row
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

    def review(self, key: str, runbook_id: int, user_id: str, decision: str, channel_id: str) -> bool:
        """Enqueue an Approve / Reject vote on a drafted runbook; once per Slack delivery key."""
        job = PendingJob(
            f"review_runbook_draft:{_safe(key)}",
            "review_runbook_draft",
            [runbook_id, user_id, decision, channel_id],
        )
        return self.queue.enqueue(job)

    def get(self, ref: str) -> Runbook | None:
        """One runbook by RB-0042 or 42 (a primary-key read, fine inside the ack window)."""
        runbook_id = parse_ref(ref)
        row = self.repo.get(runbook_id) if runbook_id is not None else None
        return runbook_from_row(row) if row else None
