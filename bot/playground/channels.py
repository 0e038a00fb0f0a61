"""The pretend workspace's channels: a few named ones, so channel names resolve as in Slack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PretendChannel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    # Whether FaultMaven is in it: Slack lists a private channel to the bot only when it is.
    is_member: bool = True
    topic: str = ""


def default_channels() -> dict[str, PretendChannel]:
    """#incidents (where the playground starts) plus channels a person might share into."""
    channels = [
        PretendChannel("C0INCIDENTS", "incidents", topic="Where FaultMaven opens cases"),
        PretendChannel("C0DBONCALL", "db-oncall", is_member=False, topic="Database on-call"),
        PretendChannel("C0PLATFORM", "platform", topic="Platform team"),
        PretendChannel("G0SECOPS", "secops", is_private=True, is_member=False),
        PretendChannel("C0OLDOUTAGE", "outage-2023-11", is_archived=True, is_member=False),
    ]
    return {channel.id: channel for channel in channels}
