"""What jobs run with: built once per worker process by the composition root, then looked up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from jobs.workspaces.team import serving_team

# Types only: the web process imports this module through the job facades, and must not pay for
# numpy, Chroma or the search stack it never uses (the worker's composition root imports them).
if TYPE_CHECKING:
    from slack_sdk import WebClient

    from engine.ports import DiagnosisEngine
    from engine.replies.triage import ReplyTriage
    from engine.runbooks.revision import RunbookReviser
    from engine.runbooks.written import RunbookWriter
    from jobs.actions.runtime import ActionRuntime
    from jobs.channels import ChannelDirectory
    from jobs.incidents.runtime import IncidentRuntime
    from jobs.learning.runtime import LearningRuntime
    from jobs.runbooks.library import RunbookLibrary
    from jobs.workspaces.clients import WorkspaceClients
    from storage.audit import AuditLog
    from storage.cases import CaseRepository
    from storage.llm_usage import LlmUsageRepository


def _rules_only_triage() -> ReplyTriage:
    from engine.replies.triage import ReplyTriage

    return ReplyTriage(None)


def _channel_directory() -> ChannelDirectory:
    from jobs.channels import ChannelDirectory

    return ChannelDirectory()


@dataclass
class JobContext:
    cases: CaseRepository
    slack: WebClient
    engine: DiagnosisEngine
    bot_user_id: str = "FaultMaven"
    incidents: IncidentRuntime | None = None
    llm_usage: LlmUsageRepository | None = None
    runbooks: RunbookLibrary | None = None
    audit: AuditLog | None = None
    actions: ActionRuntime | None = None
    learning: LearningRuntime | None = None
    # Cosine similarity a runbook needs before it is suggested on a new case. 0.5 was calibrated
    # on the dev half of the shared symptom reports and on incident reports the shipped library
    # mostly has no runbook for: at 0.35 three in four of those got a suggestion, at 0.5 under one
    # in five, while half of the correct top hits on symptom reports are still shown.
    runbook_min_similarity: float = 0.5
    # Who may approve drafted runbooks (Slack user / user-group ids); empty: anyone but the author.
    runbook_reviewers: tuple[str, ...] = ()
    # Claude drafts runbooks from resolved cases when set; None: the offline template does.
    runbook_writer: RunbookWriter | None = None
    # Claude says why a runbook failed and writes its next version when set; None: rules and template.
    runbook_reviser: RunbookReviser | None = None
    # Which thread messages need an update; the worker gives it the sentence model (rules only without).
    reply_triage: ReplyTriage = field(default_factory=_rules_only_triage)
    # Channel names typed in commands, resolved through conversations.list and cached briefly.
    channels: ChannelDirectory = field(default_factory=_channel_directory)
    # Many workspaces (OAuth installs): each job's team -> its bot token. None: `slack` serves all jobs.
    workspaces: WorkspaceClients | None = None
    # The workspace the running job works for ("" outside a job, or when the job names none).
    team_id: str = ""
    # Channel names resolve per workspace: "#db-oncall" is a different channel in each team.
    team_channels: dict[str, ChannelDirectory] = field(default_factory=dict)

    def for_team(self, team_id: str) -> JobContext:
        """This context as one workspace sees it: its bot token, its cases, its channel names."""
        if self.workspaces is None and not team_id:
            return self
        # With many workspaces a job naming no team has no token to use: its Slack calls say so.
        slack = self.workspaces.client_for(team_id) if self.workspaces is not None else self.slack
        if not team_id:
            return replace(self, slack=slack)
        learning = self.learning
        if learning is not None:
            learning = replace(
                learning,
                history=learning.history.scoped(team_id),
                team=learning.team.scoped(team_id),
                home=learning.home.scoped(team_id),
            )
        channels = self.team_channels.setdefault(team_id, _channel_directory())
        return replace(
            self,
            team_id=team_id,
            slack=slack,
            cases=self.cases.scoped(team_id),
            learning=learning,
            channels=channels,
        )


_context: JobContext | None = None
# The installed context bound to the running job's workspace (see `working_for`).
_bound: ContextVar[JobContext | None] = ContextVar("faultmaven_job_context", default=None)


def install_context(context: JobContext) -> None:
    """Called by the worker's composition root (and by tests) before any job runs."""
    global _context
    _context = context


def current_context() -> JobContext:
    """The installed context (bound to the job's workspace inside `working_for`)."""
    bound = _bound.get()
    if bound is not None:
        return bound
    if _context is None:
        raise RuntimeError("no JobContext installed: start jobs through `faultmaven worker`")
    return _context


@contextmanager
def working_for(team_id: str) -> Iterator[JobContext]:
    """Run one job for one workspace: jobs see its token and its cases, and follow-ups inherit it."""
    if _context is None:
        raise RuntimeError("no JobContext installed: start jobs through `faultmaven worker`")
    bound = _context.for_team(team_id)
    token = _bound.set(bound)
    try:
        with serving_team(team_id):
            yield bound
    finally:
        _bound.reset(token)
