"""What handlers may ask of actions: every click is written to the outbox, then enqueued (never lost)."""

from __future__ import annotations

import json
import logging
import re

from redis.exceptions import RedisError

from bot.blocks.approvals import ProposalCard
from bot.blocks.diagnosis import escape_mrkdwn, seen_line
from engine.models import Diagnosis
from jobs.action_cards import card_of
from jobs.queue import JobQueue
from storage.actions import ActionRepository
from storage.cases import CaseRepository
from storage.outbox import PendingJob

log = logging.getLogger(__name__)


def _safe(key: str) -> str:
    """RQ job ids allow letters, digits, '_' and '-'; Slack ids carry dots."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


# Outbox keys: the job rebuilds its own key from its arguments to mark the entry claimed.
def vote_key(proposal_id: int, user_id: str, kind: str, message_ts: str) -> str:
    return f"record_vote:{proposal_id}:{user_id}:{kind}:{_safe(message_ts)}"


def rollback_key(proposal_id: int, user_id: str, message_ts: str) -> str:
    return f"propose_rollback:{proposal_id}:{user_id}:{_safe(message_ts)}"


def fix_answer_key(proposal_id: int, user_id: str, fixed: int, message_ts: str) -> str:
    return f"record_fix_answer:{proposal_id}:{user_id}:{int(fixed)}:{_safe(message_ts)}"


class ActionRequests:
    """Thin: a primary-key read at most, one outbox insert, one enqueue."""

    def __init__(
        self, queue: JobQueue, repo: ActionRepository, cases: CaseRepository, dry_run: bool = True
    ) -> None:
        self.queue = queue
        self.repo = repo
        self.cases = cases
        self.dry_run = dry_run

    def _submit(self, job: PendingJob) -> bool:
        if not self.repo.record_request(job):
            return False  # the same click delivered twice
        try:
            self.queue.enqueue(job, fresh=True)
        except RedisError:
            log.warning("redis unavailable, job left in outbox", extra={"job_key": job.job_key})
        return True

    def run_recommended(self, case_id: int, key: str, user_id: str, channel_id: str, delivery: str) -> bool:
        """Run… on a diagnosis' recommended action."""
        args: list[str | int] = [case_id, key, user_id, channel_id, _safe(delivery)]
        return self._submit(
            PendingJob(f"propose_recommended_action:{_safe(delivery)}", "propose_recommended_action", args)
        )

    def propose(
        self,
        case_id: int,
        user_id: str,
        action: str,
        target: str,
        parameters: dict[str, str],
        reason: str,
        delivery: str,
    ) -> bool:
        """An engineer's own action."""
        args: list[str | int] = [
            case_id,
            user_id,
            action,
            target,
            json.dumps(parameters),
            reason,
            _safe(delivery),
        ]
        return self._submit(PendingJob(f"propose_action:{_safe(delivery)}", "propose_action", args))

    def vote(self, proposal_id: int, user_id: str, kind: str, channel_id: str, message_ts: str) -> bool:
        """Approve or Deny; keyed per person and choice, so a double click counts once."""
        key = vote_key(proposal_id, user_id, kind, message_ts)
        return self._submit(
            PendingJob(key, "record_vote", [proposal_id, user_id, kind, channel_id, message_ts])
        )

    def roll_back(self, proposal_id: int, user_id: str, channel_id: str, message_ts: str, undo: bool) -> bool:
        """Roll back / Undo an executed action (the job decides under the policy)."""
        key = rollback_key(proposal_id, user_id, message_ts)
        args: list[str | int] = [proposal_id, user_id, channel_id, message_ts, int(undo)]
        return self._submit(PendingJob(key, "propose_rollback", args))

    def answer_fixed(
        self, proposal_id: int, user_id: str, fixed: bool, channel_id: str, message_ts: str
    ) -> bool:
        """ "Did it fix it?" yes / no."""
        key = fix_answer_key(proposal_id, user_id, int(fixed), message_ts)
        args: list[str | int] = [proposal_id, user_id, int(fixed), channel_id, message_ts]
        return self._submit(PendingJob(key, "record_fix_answer", args))

    def case_id_for_ref(self, ref: str) -> int | None:
        """FM-12 or 12 → 12, when that case exists (a primary-key read)."""
        match = re.fullmatch(r"(?:FM-)?(\d+)", ref.strip(), re.I)
        if match is None:
            return None
        case = self.cases.get(int(match.group(1)))
        return case.id if case else None

    def details(self, proposal_id: int) -> tuple[ProposalCard, list[str], list[str]] | None:
        """The card plus the diagnosis' hypotheses and evidence, for the More info modal."""
        row = self.repo.get(proposal_id)
        case = self.cases.get(row.case_id) if row else None
        if row is None or case is None:
            return None
        approvals = [v.voter for v in self.repo.votes(row.id) if v.kind == "approve"]
        card = card_of(row, case.ref, approvals, self.dry_run)
        hypotheses: list[str] = []
        evidence: list[str] = []
        if case.diagnosis_json:
            diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
            hypotheses = [f"{h.cause} ({round(h.confidence * 100)}%)" for h in diagnosis.hypotheses]
            seen = [seen_line(o) for h in diagnosis.hypotheses for o in h.observed]
            evidence = list(dict.fromkeys(seen))[:12]
        evidence += [
            f"<@{m.author_id}> wrote: {escape_mrkdwn(m.text[:200])}" for m in case.messages if not m.from_bot
        ][-5:]
        return card, hypotheses, evidence
