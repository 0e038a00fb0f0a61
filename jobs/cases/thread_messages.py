"""Messages a job posts exactly once, even when the job is re-run after its worker died.

The job stores a message's ts right after posting it; for the crash window between the post and
that store, each message carries Slack message metadata naming its case and role, and a re-run
looks for it (conversations.history for a channel root, conversations.replies inside a thread)
before posting again.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

EVENT_TYPE = "faultmaven_case_message"
# How many recent messages a re-run reads when looking for one it may have posted.
SEARCH_LIMIT = 200


def case_metadata(case_id: int, role: str) -> dict[str, Any]:
    """The metadata that marks a case's `role` message (root, progress…)."""
    return {"event_type": EVENT_TYPE, "event_payload": {"case_id": case_id, "role": role}}


def find_case_message(
    slack: WebClient, channel: str, case_id: int, role: str, thread_ts: str | None = None
) -> str | None:
    """The ts of the case's `role` message an earlier run posted, if any."""
    if thread_ts is None:
        resp = slack.conversations_history(channel=channel, limit=SEARCH_LIMIT, include_all_metadata=True)
    else:
        resp = slack.conversations_replies(
            channel=channel, ts=thread_ts, limit=SEARCH_LIMIT, include_all_metadata=True
        )
    wanted = case_metadata(case_id, role)
    for message in resp.get("messages") or []:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == EVENT_TYPE
            and metadata.get("event_payload") == wanted["event_payload"]
        ):
            return str(message["ts"])
    return None


def post_case_message_once(
    slack: WebClient, channel: str, case_id: int, role: str, thread_ts: str | None = None, **message: Any
) -> str:
    """Post the case's `role` message unless an earlier run already did; returns its ts."""
    found = find_case_message(slack, channel, case_id, role, thread_ts)
    if found is not None:
        return found
    resp = slack.chat_postMessage(
        channel=channel, thread_ts=thread_ts, metadata=case_metadata(case_id, role), **message
    )
    return str(resp["ts"])
