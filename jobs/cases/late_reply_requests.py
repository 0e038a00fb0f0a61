"""What the web process records for a reply under a bot message that is not (yet) a case's thread.

Apart from the job (jobs/cases/late_replies.py) so the web process never imports the diagnosis
and search stack that the job needs.
"""

from __future__ import annotations

from jobs.submission import JobSubmitter, safe_key
from storage.outbox import PendingJob


class LateReplies:
    """What the message handler records for a reply under a bot message that is not (yet) a case."""

    def __init__(self, submitter: JobSubmitter) -> None:
        self.submitter = submitter

    def record(self, channel_id: str, thread_ts: str, ts: str, addressed: bool) -> bool:
        """Queue the match once per message (Slack's retries and the mention's twin count once)."""
        outbox_key = f"match_thread_reply:{safe_key(channel_id)}-{safe_key(ts)}"
        job = PendingJob(
            outbox_key, "match_thread_reply", [channel_id, thread_ts, ts, int(addressed), outbox_key]
        )
        return self.submitter.submit(job)
