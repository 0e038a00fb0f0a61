"""Who may approve or reject a drafted runbook: the approval policy, free of Slack and storage.

Reviewers are Slack user ids (U…/W…) and user-group ids (S…). With none configured, anyone but the
people who wrote the draft may approve it. Nobody approves their own words: neither the author nor
the last person who edited the draft.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from engine.runbooks.models import Runbook

_REVIEWER_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")


def parse_reviewers(text: str) -> tuple[str, ...]:
    """'U01AB, S02CD' → ('U01AB', 'S02CD'); ValueError naming any entry that is not a Slack id."""
    entries = [part.strip() for part in text.split(",") if part.strip()]
    bad = [entry for entry in entries if not _REVIEWER_ID.match(entry)]
    if bad:
        raise ValueError(
            f"not Slack user (U…/W…) or user group (S…) ids: {', '.join(bad)}. "
            "Copy them from a profile's ⋮ menu → Copy member ID, or the user group's page."
        )
    return tuple(dict.fromkeys(entries))


def reviewer_groups(reviewers: Collection[str]) -> list[str]:
    """The user-group ids among the reviewers (their members are looked up when someone votes)."""
    return [r for r in reviewers if r.startswith("S")]


def writers(runbook: Runbook) -> list[str]:
    """The people whose words the draft is: its author and its last editor."""
    return [user for user in dict.fromkeys([runbook.author, runbook.edited_by]) if user]


def is_reviewer(user_id: str, reviewers: Collection[str], members: Mapping[str, Collection[str]]) -> bool:
    """Listed directly, or a member of a listed user group (no reviewers configured: everyone is)."""
    if not reviewers:
        return True
    return user_id in reviewers or any(user_id in members.get(g, ()) for g in reviewer_groups(reviewers))


def may_approve(
    user_id: str, runbook: Runbook, reviewers: Collection[str], members: Mapping[str, Collection[str]]
) -> bool:
    """A reviewer who did not write the draft."""
    return user_id not in writers(runbook) and is_reviewer(user_id, reviewers, members)


def may_reject(
    user_id: str, runbook: Runbook, reviewers: Collection[str], members: Mapping[str, Collection[str]]
) -> bool:
    """A reviewer, or the author withdrawing their own draft."""
    return user_id == runbook.author or is_reviewer(user_id, reviewers, members)
