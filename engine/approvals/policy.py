"""The approval policy: which level (none/soft/hard/forbidden) an action on a target needs, and from whom."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from engine.approvals.command_effects import effect_floor
from engine.approvals.decisions import ApprovalLevel, PolicyDecision, Quorum
from engine.approvals.patterns import (
    check_pattern,
    command_segments,
    is_production,
    matches_any,
    scoped_target,
)
from engine.approvals.templates import CommandTemplate
from engine.errors import ConfigurationError
from engine.models import RiskLevel

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.yaml")

__all__ = [
    "DEFAULT_POLICY_PATH",
    "ApprovalLevel",
    "ApprovalPolicy",
    "CommandTemplate",
    "PolicyDecision",
    "PolicyError",
    "PolicyRule",
    "Quorum",
    "RiskDefault",
]


_STRICTNESS = {
    ApprovalLevel.NONE: 0,
    ApprovalLevel.SOFT: 1,
    ApprovalLevel.HARD: 2,
    ApprovalLevel.FORBIDDEN: 3,
}


class PolicyError(ConfigurationError):
    """The policy file is missing or invalid; the message names the file and the field."""


def _check_approver(value: str) -> str:
    if not re.fullmatch(r"[UWS][A-Z0-9]{2,}", value):
        raise ValueError(f"must be a Slack user id (U…/W…) or user group id (S…), got {value!r}")
    return value


def _check_template_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise ValueError(f"template name {value!r} may only use letters, digits, _ . -")
    return value


Pattern = Annotated[str, AfterValidator(check_pattern)]
Approver = Annotated[str, AfterValidator(_check_approver)]
TemplateName = Annotated[str, AfterValidator(_check_template_name)]


class PolicyRule(BaseModel):
    """One rule; the first rule whose actions, targets and risks all match decides."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    actions: list[Pattern] = Field(min_length=1)
    targets: list[Pattern] = Field(default_factory=lambda: ["*"], min_length=1)
    risks: list[RiskLevel] | None = Field(default=None, min_length=1)
    level: ApprovalLevel
    quorum: Quorum = Quorum.REQUIRE_ONE
    approvers: list[Approver] = Field(default_factory=list)
    timeout_seconds: int = Field(default=300, ge=30, le=86400)
    undo_seconds: int = Field(default=120, ge=0, le=86400)

    @model_validator(mode="after")
    def _quorum_is_reachable(self) -> PolicyRule:
        people = set(self.approvers)
        # Only user ids can be counted; a group may hold any number of people.
        if people and all(a[0] in "UW" for a in people) and len(people) < self.quorum.needed:
            raise ValueError(
                f"quorum {self.quorum} needs {self.quorum.needed} approvers; only {len(people)} listed"
            )
        return self

    def applies(self, subject: str, target: str, risk: RiskLevel) -> bool:
        """Whether this rule matches an action name or one command, on this target, at this risk."""
        return (
            matches_any(self.actions, subject)
            and matches_any(self.targets, target)
            and (self.risks is None or risk in self.risks)
        )


class RiskDefault(BaseModel):
    """The decision for a risk level when no rule matches."""

    model_config = ConfigDict(extra="forbid")

    level: ApprovalLevel
    quorum: Quorum = Quorum.REQUIRE_ONE
    timeout_seconds: int = Field(default=300, ge=30, le=86400)
    undo_seconds: int = Field(default=120, ge=0, le=86400)


BUILTIN_RISK_DEFAULTS: dict[RiskLevel, RiskDefault] = {
    RiskLevel.LOW: RiskDefault(level=ApprovalLevel.NONE),
    RiskLevel.MEDIUM: RiskDefault(level=ApprovalLevel.SOFT),
    RiskLevel.HIGH: RiskDefault(level=ApprovalLevel.HARD),
    RiskLevel.CRITICAL: RiskDefault(level=ApprovalLevel.HARD, quorum=Quorum.REQUIRE_TWO),
}


class ApprovalPolicy(BaseModel):
    """The whole policy file: critical targets, ordered rules, per-risk defaults, local command templates."""

    model_config = ConfigDict(extra="forbid")

    critical_targets: list[Pattern] = Field(default_factory=list)
    rules: list[PolicyRule] = Field(default_factory=list)
    risk_defaults: dict[RiskLevel, RiskDefault] = Field(default_factory=lambda: dict(BUILTIN_RISK_DEFAULTS))
    commands: dict[TemplateName, CommandTemplate] = Field(default_factory=dict)

    @field_validator("risk_defaults")
    @classmethod
    def _fill_missing_risks(cls, value: dict[RiskLevel, RiskDefault]) -> dict[RiskLevel, RiskDefault]:
        return {**BUILTIN_RISK_DEFAULTS, **value}

    @model_validator(mode="after")
    def _references_resolve(self) -> ApprovalPolicy:
        names = [rule.name for rule in self.rules]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise ValueError(f"rules[{index}].name: {name!r} is used by an earlier rule")
        for name, template in self.commands.items():
            for purpose, ref in (("rollback", template.rollback), ("verify", template.verify)):
                if ref is None:
                    continue
                where = f"commands.{name}.{purpose}"
                if ref not in self.commands:
                    known = ", ".join(sorted(self.commands))
                    raise ValueError(f"{where}: unknown command template {ref!r} (known: {known})")
                lacking = sorted(set(self.commands[ref].params) - set(template.params))
                if lacking:
                    raise ValueError(
                        f"{where}: template {ref!r} needs parameters {name} lacks: {', '.join(lacking)}"
                    )
        return self

    def is_critical(self, target: str) -> bool:
        """Whether the target is on the critical list (production databases, monitoring…)."""
        return bool(target) and matches_any(self.critical_targets, target)

    def decide(
        self,
        action: str,
        target: str,
        risk: RiskLevel,
        command: str = "",
        environment: str | None = None,
    ) -> PolicyDecision:
        """The level for this action on this target: the strictest of its name, each command in it, and
        the floor for what the command does. A case's environment qualifies the target
        ("production:database/orders"), so production and critical-target rules see it."""
        scoped = scoped_target(target, environment)
        candidates: list[PolicyDecision] = []
        # With a command, the command is judged, not the words of a title ("Restore the upstream").
        named = self._first_rule(action, scoped, risk) if action and not command.strip() else None
        if action and command.strip() and action in self.commands:
            named = self._first_rule(action, scoped, risk)
        if named is not None:
            candidates.append(named)
        # Every command in the text counts; one that no rule knows falls back to the risk default.
        for segment in command_segments(command):
            candidates.append(self._first_rule(segment, scoped, risk) or self._default(risk))
        if not candidates:
            candidates.append(self._default(risk))
        critical = self.is_critical(scoped) or self.is_critical(target)
        floor = effect_floor(command, production=critical or is_production(scoped))
        if floor is not None:
            candidates.append(self._floor_decision(ApprovalLevel(floor[0]), floor[1], risk))
        decision = max(candidates, key=lambda d: (_STRICTNESS[d.level], d.quorum.needed))
        if critical and decision.level is ApprovalLevel.SOFT:
            return replace(decision, level=ApprovalLevel.HARD, critical=True)
        return replace(decision, critical=critical)

    def _floor_decision(self, level: ApprovalLevel, why: str, risk: RiskLevel) -> PolicyDecision:
        default = self.risk_defaults[risk]
        return PolicyDecision(
            level=level,
            quorum=Quorum.REQUIRE_ONE,
            approvers=(),
            timeout_seconds=default.timeout_seconds,
            undo_seconds=default.undo_seconds,
            rule="command-effect",
            critical=False,
            effect=why,
        )

    def _first_rule(self, subject: str, target: str, risk: RiskLevel) -> PolicyDecision | None:
        for rule in self.rules:
            if rule.applies(subject, target, risk):
                return PolicyDecision(
                    level=rule.level,
                    quorum=rule.quorum,
                    approvers=tuple(rule.approvers),
                    timeout_seconds=rule.timeout_seconds,
                    undo_seconds=rule.undo_seconds,
                    rule=rule.name,
                    critical=False,
                )
        return None

    def _default(self, risk: RiskLevel) -> PolicyDecision:
        default = self.risk_defaults[risk]
        return PolicyDecision(
            level=default.level,
            quorum=default.quorum,
            approvers=(),
            timeout_seconds=default.timeout_seconds,
            undo_seconds=default.undo_seconds,
            rule=f"{risk}-risk-default",
            critical=False,
        )
