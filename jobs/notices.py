"""Private notes to one person (a refused click, usage help), posted by a job rather than inside the ack."""

from __future__ import annotations

from typing import Any

from jobs.runtime import current_context
from jobs.submission import JobSubmitter, safe_key
from jobs.workspaces.team import team_job


class Notices:
    """What handlers use instead of calling chat.postEphemeral within Slack's 3-second window."""

    def __init__(self, submitter: JobSubmitter) -> None:
        self.submitter = submitter

    def tell(self, key: str, channel_id: str, user_id: str, text: str, thread_ts: str | None = None) -> bool:
        """Queue `text` (our own words) for `user_id` in `channel_id`; once per Slack delivery key."""
        outbox_key = f"tell_user:{safe_key(key)}"
        job = team_job(outbox_key, "tell_user", [channel_id, user_id, text, thread_ts or "", outbox_key])
        return self.submitter.submit(job)


def tell_user(
    channel_id: str, user_id: str, text: str, thread_ts: str = "", outbox_key: str = ""
) -> dict[str, Any]:
    """Post one ephemeral note; a retry after a failed post may repeat it, which an ephemeral tolerates."""
    ctx = current_context()
    if outbox_key:
        ctx.cases.claim_job(outbox_key)
    ctx.slack.chat_postEphemeral(channel=channel_id, user=user_id, text=text, thread_ts=thread_ts or None)
    return {"status": "told", "channel_id": channel_id}
