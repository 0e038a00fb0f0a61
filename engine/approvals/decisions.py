"""What the approval policy decides for one proposal: the level, the quorum, and the card's summary of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ApprovalLevel(StrEnum):
    NONE = "none"
    SOFT = "soft"
    HARD = "hard"
    FORBIDDEN = "forbidden"


class Quorum(StrEnum):
    REQUIRE_ONE = "require_one"
    REQUIRE_TWO = "require_two"

    @property
    def needed(self) -> int:
        """How many distinct approvers this quorum needs."""
        return 2 if self is Quorum.REQUIRE_TWO else 1


@dataclass(frozen=True)
class PolicyDecision:
    """What the policy requires for one proposal, fixed at proposal time."""

    level: ApprovalLevel
    quorum: Quorum
    approvers: tuple[str, ...]  # Slack user ids (U…/W…) or user-group ids (S…); () = anyone
    timeout_seconds: int
    undo_seconds: int
    rule: str
    critical: bool
    # What the command does and where, when that set a floor under the rules ("database config change
    # on production").
    effect: str = ""

    def describe(self) -> str:
        """One line for the card, e.g. "hard · 2 approvers · rule prod-databases · critical target"."""
        parts = [str(self.level)]
        if self.level is ApprovalLevel.HARD:
            count = self.quorum.needed
            parts.append(
                f"{count} approver{'s' if count > 1 else ''}" + (" from allow-list" * bool(self.approvers))
            )
        elif self.level is ApprovalLevel.SOFT:
            parts.append(f"undo within {_duration(self.undo_seconds)}")
        elif self.level is ApprovalLevel.NONE:
            parts.append("runs at once")
        else:
            parts.append("never runs")
        parts.append(f"rule {self.rule}")
        if self.effect:
            parts.append(self.effect)
        if self.critical:
            parts.append("critical target")
        return " · ".join(parts)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0 and seconds:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0 and seconds:
        return f"{seconds // 60} min"
    return f"{seconds} s"
