"""Typed objects shared by every engine and by the rest of the product."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class CaseStatus(StrEnum):
    INVESTIGATING = "investigating"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class Category(StrEnum):
    RESOURCE_EXHAUSTION = "resource_exhaustion"
    CONFIG_CHANGE = "config_change"
    DEPLOYMENT_BUG = "deployment_bug"
    DATABASE = "database"
    NETWORK_DNS = "network_dns"
    CERTIFICATE_EXPIRY = "certificate_expiry"
    DEPENDENCY_OUTAGE = "dependency_outage"
    CAPACITY_OVERLOAD = "capacity_overload"
    DATA_CORRUPTION = "data_corruption"
    HARDWARE_FAILURE = "hardware_failure"
    TIME_OR_LEAP_SECOND = "time_or_leap_second"
    HUMAN_ERROR_OPERATIONS = "human_error_operations"
    SECURITY_INCIDENT = "security_incident"
    UNKNOWN = "unknown"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class EvidenceSource(StrEnum):
    REPORT = "report"
    MESSAGE = "message"
    LOG_LINE = "log_line"
    ALERT_LABEL = "alert_label"


_USER_ID = re.compile(r"[A-Z0-9]{2,32}")


class Observation(BaseModel):
    """Something actually seen in the case: an exact quote, where it came from and what it suggests."""

    quote: str = Field(min_length=1)
    source: EvidenceSource
    # A chat user id (it is rendered as a mention); anything else (an alert source, "eval") is dropped.
    author: str | None = None
    meaning: str = ""

    @field_validator("author")
    @classmethod
    def _only_user_ids(cls, value: str | None) -> str | None:
        return value if value is not None and _USER_ID.fullmatch(value) else None

    def where(self) -> str:
        """Where the quote was seen, e.g. "in the report by <@W1>"."""
        by = f" by <@{self.author}>" if self.author else ""
        return {
            EvidenceSource.REPORT: f"in the report{by}",
            EvidenceSource.MESSAGE: f"in a message{by}",
            EvidenceSource.LOG_LINE: f"in a log line{' pasted' + by if by else ''}",
            EvidenceSource.ALERT_LABEL: "in an alert label",
        }[self.source]


class Hypothesis(BaseModel):
    # Seen (`observed`, quotes from the case) is kept apart from what would confirm (`checks`) or rule
    # out (`rules_out`) the cause: only observations are ever shown as evidence.
    cause: str
    confidence: float = Field(ge=0.0, le=1.0)
    category: Category | None = None
    observed: list[Observation] = Field(
        default_factory=list,
        description="Only what the case itself shows, each with a verbatim quote and where it was seen.",
    )
    checks: list[str] = Field(default_factory=list, description="What would confirm this cause if run.")
    rules_out: list[str] = Field(default_factory=list, description="What, if found, would rule it out.")


class RecommendedAction(BaseModel):
    title: str
    command: str = ""
    target: str = ""
    risk: RiskLevel = RiskLevel.MEDIUM
    rollback: str = ""

    @property
    def key(self) -> str:
        """A short stable id, carried by the action's Run… button and looked up again on the server."""
        return hashlib.sha256(f"{self.title}\n{self.command}".encode()).hexdigest()[:12]


class LlmCall(BaseModel):
    """One request to an LLM made while producing a diagnosis: what it cost and how it ended."""

    model: str
    purpose: str
    outcome: str = "ok"  # ok | malformed | error
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0


class Diagnosis(BaseModel):
    """What an engine concluded about a case at one turn of the conversation."""

    summary: str
    category: Category = Category.UNKNOWN
    # Ranked candidate categories, best first (`category` is the first); lets an eval score top-3.
    categories: list[Category] = Field(default_factory=list)
    severity: Severity = Severity.MEDIUM
    hypotheses: list[Hypothesis] = Field(default_factory=list, max_length=5)
    next_steps: list[str] = Field(default_factory=list)
    recommended_actions: list[RecommendedAction] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    # "Looks like X" only when `confident`; otherwise the headline says it is not sure yet.
    confident: bool = False
    # Calibrated probability that `category` is right (on real reports, stated % ≈ accuracy).
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    # Technologies named in the case (report, replies, logs, alert labels), e.g. ["postgresql"].
    technologies: list[str] = Field(default_factory=list)
    # What moved since the previous turn's diagnosis, so a follow-up need not repeat everything.
    changes: list[str] = Field(default_factory=list)
    engine: str = "offline"
    model: str | None = None
    # Shown to the team when the answer is degraded (e.g. Claude down, offline engine answered).
    note: str | None = None
    llm_calls: list[LlmCall] = Field(default_factory=list)

    def ranked_categories(self) -> list[Category]:
        """`categories` with `category` guaranteed first and no duplicates."""
        return list(dict.fromkeys([self.category, *self.categories]))


class Turn(BaseModel):
    """One message in a case conversation, as an engine sees it."""

    author: str
    text: str
    from_bot: bool = False
    at: datetime | None = None


class PastCaseNote(BaseModel):
    """A resolved case close in meaning to this one ("seen before"), as the diagnosis may consider it."""

    ref: str
    similarity: float
    level: str  # L1 | L2 | L3 | escalated
    stated_fix: str
    time_to_resolution_s: int
    resolved_days_ago: int


class CaseContext(BaseModel):
    """Everything an engine may read about a case: the report and the whole thread so far."""

    case_ref: str
    title: str
    description: str
    service: str | None = None
    reporter: str | None = None
    reported_severity: Severity | None = None
    turns: list[Turn] = Field(default_factory=list)
    previous: Diagnosis | None = None
    # The same "Seen before" matches the thread shows (at most two, only close ones).
    seen_before: list[PastCaseNote] = Field(default_factory=list)

    def evidence_text(self) -> str:
        """The report plus every human turn, as one text to match against."""
        human = [t.text for t in self.turns if not t.from_bot]
        return "\n".join([self.title, self.description, *human])
