"""Action wiring from Settings: the approval policy (validated at start) and the executors, for the worker."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from bot.settings import Settings
from engine.actions.executors import Executor, ExecutorChain, WebhookExecutor
from engine.actions.local_commands import LocalCommandExecutor
from engine.approvals.policy import ApprovalPolicy
from engine.approvals.policy_file import load_policy
from engine.errors import ConfigurationError
from jobs.actions.runtime import ActionRuntime
from jobs.queue import JobQueue
from storage.actions import ActionRepository
from storage.db import make_session_factory


def load_configured_policy(settings: Settings) -> ApprovalPolicy:
    """FAULTMAVEN_POLICY_FILE, or the shipped default; a bad file stops the process with its error."""
    return load_policy(settings.faultmaven_policy_file)


def build_executors(
    settings: Settings, policy: ApprovalPolicy, client: httpx.Client | None = None
) -> ExecutorChain:
    """Allow-listed local commands first, then the signed webhook to existing automation (when configured)."""
    executors: list[Executor] = [LocalCommandExecutor(policy.commands)]
    if settings.faultmaven_action_webhook_url:
        if settings.faultmaven_action_webhook_secret is None:
            raise ConfigurationError(
                "FAULTMAVEN_ACTION_WEBHOOK_URL is set but FAULTMAVEN_ACTION_WEBHOOK_SECRET is not: "
                "the webhook executor signs every request, so it needs the shared secret."
            )
        executors.append(
            WebhookExecutor(
                settings.faultmaven_action_webhook_url,
                settings.faultmaven_action_webhook_secret.get_secret_value(),
                client=client,
            )
        )
    return ExecutorChain(executors)


def build_action_runtime(settings: Settings, db: Engine, queue: JobQueue) -> ActionRuntime:
    """The worker's action runtime."""
    policy = load_configured_policy(settings)
    return ActionRuntime(
        repo=ActionRepository(make_session_factory(db)),
        policy=policy,
        executors=build_executors(settings, policy),
        queue=queue,
        dry_run=settings.faultmaven_execution_mode != "live",
        channel_environments=settings.channel_environments,
        oncall_groups=settings.oncall_groups,
    )
