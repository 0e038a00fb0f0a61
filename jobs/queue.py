"""The one enqueue helper: explicit job ids, timeouts, retries and the JSON serializer."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from storage.outbox import PendingJob

log = logging.getLogger(__name__)

QUEUE_NAMES = ("high", "default", "low")
# Where an RQ job keeps the key of the outbox entry it runs for (the worker leases that entry).
OUTBOX_KEY = "outbox_key"
# Where an RQ job keeps the Slack workspace it works for (the worker binds that team's token).
TEAM_KEY = "team_id"
# Redis key prefix: one sweeper at a time re-enqueues an orphaned job (see JobQueue.enqueue_orphan).
_ORPHAN_HOLD = "faultmaven:orphan-hold:"


class OrphanOutcome(StrEnum):
    ENQUEUED = "enqueued"
    PENDING = "pending"  # RQ already has it queued or scheduled for a retry
    ALREADY_DONE = "already_done"  # RQ is done with it (finished, or failed for good)


# RQ states after which RQ will not run a job again by itself.
_SETTLED = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def rq_job_id(job: PendingJob) -> str:
    """RQ's id for an outbox job: its key, with RQ's separator kept out."""
    return job.job_key.replace(":", "-")


def job_meta(job: PendingJob) -> dict[str, str]:
    """What the worker reads besides the arguments: the outbox entry to lease, the workspace."""
    return {OUTBOX_KEY: job.job_key, TEAM_KEY: job.team_id}


@dataclass(frozen=True)
class JobSpec:
    func: str
    queue: str
    timeout: int
    # Re-queued rather than sleeping when its channel is busy and other jobs wait (jobs/pacing.py):
    # only jobs whose every step is safe to run again (messages found by metadata, rows by key).
    yields_when_busy: bool = False


# The one job -> queue table. `high`: intake, diagnosis and quick clicks someone is waiting on;
# `default`: suggestions and thread updates; `low`: drafting and exports, which may take minutes.
# A worker dedicated to `high` (see `faultmaven up`) keeps a slow draft from delaying a diagnosis.
JOBS: dict[str, JobSpec] = {
    "diagnose_case": JobSpec("jobs.cases.diagnosis.diagnose_case", "high", 120, yields_when_busy=True),
    # Incidents: events are processed (high) before the coalescing thread syncs (default) that follow.
    "process_incident_event": JobSpec("jobs.incidents.events.process_incident_event", "high", 180),
    "resolve_case": JobSpec("jobs.cases.resolutions.resolve_case", "high", 60),
    "search_runbooks": JobSpec("jobs.runbooks.suggestions.search_runbooks", "high", 30),
    "share_runbook": JobSpec("jobs.runbooks.suggestions.share_runbook", "high", 30),
    "decline_runbook_offer": JobSpec("jobs.runbooks.drafts.decline_runbook_offer", "high", 30),
    "review_runbook_draft": JobSpec("jobs.runbooks.drafts.review_runbook_draft", "high", 60),
    "reject_runbook_revision": JobSpec("jobs.runbooks.drafts.reject_runbook_revision", "high", 60),
    "record_runbook_vote": JobSpec("jobs.runbooks.feedback.record_runbook_vote", "high", 30),
    "save_runbook_edit": JobSpec("jobs.runbooks.edits.save_runbook_edit", "high", 30),
    "list_runbook_reviews": JobSpec("jobs.runbooks.reviews.list_runbook_reviews", "high", 30),
    # A refusal or usage note for one person: they are looking at the screen.
    "tell_user": JobSpec("jobs.notices.tell_user", "high", 30),
    # Details on a diagnosis: someone is looking at a loading modal.
    "show_diagnosis_details": JobSpec("jobs.cases.details.show_diagnosis_details", "high", 30),
    # Actions and approvals: votes and expiry are quick and someone is waiting on them.
    "propose_recommended_action": JobSpec("jobs.actions.proposals.propose_recommended_action", "high", 30),
    "propose_action": JobSpec("jobs.actions.proposals.propose_action", "high", 30),
    "propose_submitted_action": JobSpec("jobs.actions.forms.propose_submitted_action", "high", 30),
    "record_vote": JobSpec("jobs.actions.votes.record_vote", "high", 30),
    "expire_proposal": JobSpec("jobs.actions.votes.expire_proposal", "high", 30),
    "propose_rollback": JobSpec("jobs.actions.execution.propose_rollback", "high", 30),
    "record_fix_answer": JobSpec("jobs.actions.execution.record_fix_answer", "high", 30),
    "suggest_runbooks": JobSpec(
        "jobs.runbooks.suggestions.suggest_runbooks", "default", 60, yields_when_busy=True
    ),
    "answer_in_thread": JobSpec("jobs.cases.diagnosis.answer_in_thread", "default", 120),
    "match_thread_reply": JobSpec("jobs.cases.late_replies.match_thread_reply", "default", 120),
    "sync_incident_thread": JobSpec(
        "jobs.incidents.events.sync_incident_thread", "default", 60, yields_when_busy=True
    ),
    "sync_pagerduty_resolution": JobSpec("jobs.cases.resolutions.sync_pagerduty_resolution", "default", 60),
    # Executions wait on automation endpoints (up to minutes).
    "execute_action": JobSpec("jobs.actions.execution.execute_action", "default", 300),
    # Drafting may ask Claude (30 s timeout, SDK retries, one retry of a malformed answer).
    "create_runbook_draft": JobSpec("jobs.runbooks.drafts.create_runbook_draft", "low", 240),
    "create_runbook_draft_with_fix": JobSpec(
        "jobs.runbooks.drafts.create_runbook_draft_with_fix", "low", 240
    ),
    # Why a runbook failed and its next version (may ask Claude, like drafting).
    "revise_failed_runbook": JobSpec("jobs.learning.runbook_revisions.revise_failed_runbook", "low", 240),
    "update_revision_card": JobSpec("jobs.learning.runbook_revisions.update_revision_card", "default", 60),
    "upload_audit_trail": JobSpec("jobs.audit.trail.upload_audit_trail", "low", 120),
    # Learning: read-only answers to list / status / stats.
    "list_open_cases": JobSpec("jobs.learning.case_lists.list_open_cases", "high", 30),
    "show_case_status": JobSpec("jobs.learning.case_lists.show_case_status", "high", 30),
    "show_team_stats": JobSpec("jobs.learning.stats.show_team_stats", "default", 120),
    "record_resolution_level": JobSpec("jobs.learning.outcome_questions.record_resolution_level", "high", 30),
    "publish_home": JobSpec("jobs.learning.home.publish_home", "default", 60),
    "refresh_home": JobSpec("jobs.learning.home.refresh_home", "default", 60),
    "decide_known_fix": JobSpec("jobs.learning.known_fixes.decide_known_fix", "high", 30),
}


# Functions (RQ's `func_name`) the worker may re-queue while their channel is busy.
YIELDING_FUNCS = frozenset(spec.func for spec in JOBS.values() if spec.yields_when_busy)


def parse_queue_names(text: str) -> tuple[str, ...]:
    """`high` or `default,low` -> queue names in priority order; unknown names are an error."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in QUEUE_NAMES]
    if unknown or not names:
        raise ValueError(
            f"unknown queue {', '.join(unknown) or '(none)'}; choose from {', '.join(QUEUE_NAMES)}"
        )
    return tuple(sorted(set(names), key=QUEUE_NAMES.index))


def redis_connection(url: str) -> Redis:
    """A Redis client that fails fast, so a handler can fall back instead of hanging past 3 s."""
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=30)


class JobQueue:
    """Enqueues outbox jobs on RQ; the same job key never runs twice concurrently."""

    def __init__(self, connection: Redis) -> None:
        self.connection = connection
        self._queues = {
            name: Queue(name, connection=connection, serializer=JSONSerializer) for name in QUEUE_NAMES
        }

    def queue(self, name: str) -> Queue:
        """One of the named queues."""
        return self._queues[name]

    def enqueue(self, job: PendingJob, fresh: bool = False) -> bool:
        """Put a job on its queue; False when an identical job is already queued or kept.

        `fresh` skips RQ's uniqueness script for a job whose outbox row was created just now
        (its id cannot exist yet); this keeps the handler's ack path to one plain enqueue.
        """
        spec = JOBS[job.job_name]
        try:
            self._queues[spec.queue].enqueue(
                spec.func,
                *job.args,
                job_id=rq_job_id(job),
                unique=not fresh,
                job_timeout=spec.timeout,
                retry=Retry(max=3, interval=[2, 10, 30]),
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
                meta=job_meta(job),
            )
        except DuplicateJobError:
            log.debug("job already queued", extra={"job_key": job.job_key})
            return False
        return True

    def enqueue_orphan(self, job: PendingJob, hold_seconds: float = 15.0) -> OrphanOutcome:
        """Re-enqueue a job whose worker died mid-run (its outbox lease expired).

        RQ still holds the dead run (status "started", in StartedJobRegistry) under the same id, so a
        unique enqueue would refuse it and RQ's own clean-up would retry it minutes later: delete that
        run, then enqueue. A job RQ has queued or scheduled (a retry) is left to RQ; one RQ finished
        or gave up on (it is in the failed registry for inspection) is reported as done.

        Every worker sweeps: only one may re-enqueue a given orphan within `hold_seconds` (a lease's
        length). Without that, a second sweeper that saw the lease expired a moment ago would find the
        re-run already started by another worker, take it for the dead run, delete it and run the job
        a second time concurrently.
        """
        if not self.connection.set(_ORPHAN_HOLD + rq_job_id(job), "1", nx=True, px=int(hold_seconds * 1000)):
            return OrphanOutcome.PENDING  # another worker's sweeper is re-enqueueing it
        try:
            existing = Job.fetch(rq_job_id(job), connection=self.connection, serializer=JSONSerializer)
        except NoSuchJobError:
            existing = None
        if existing is not None:
            status = existing.get_status(refresh=False)
            if status in _SETTLED:
                return OrphanOutcome.ALREADY_DONE
            if status == JobStatus.STARTED:
                with contextlib.suppress(InvalidJobOperation):  # RQ's own clean-up removed it meanwhile
                    existing.delete()
                log.warning("re-enqueueing a job whose worker died", extra={"job_key": job.job_key})
        return OrphanOutcome.ENQUEUED if self.enqueue(job) else OrphanOutcome.PENDING

    def enqueue_later(self, job: PendingJob, at: datetime) -> bool:
        """Schedule a job for `at` (the worker's scheduler moves it to its queue); False if the id exists."""
        spec = JOBS[job.job_name]
        queue = self._queues[spec.queue]
        rq_job = queue.create_job(
            spec.func,
            args=job.args,
            job_id=rq_job_id(job),
            timeout=spec.timeout,
            retry=Retry(max=3, interval=[2, 10, 30]),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            meta=job_meta(job),
        )
        try:
            queue.schedule_job(rq_job, at, unique=True)
        except DuplicateJobError:
            log.debug("job already scheduled", extra={"job_key": job.job_key})
            return False
        return True
