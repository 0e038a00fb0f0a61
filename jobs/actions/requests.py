"""What handlers may ask of actions: every click is written to the outbox, then enqueued (never lost)."""

from __future__ import annotations

import json

from bot.blocks.approvals import ProposalCard
from engine.actions.credentials import credential_refusal
from engine.errors import InvalidInputError
from engine.models import Diagnosis, Observation
from engine.record_ids import parse_record_ref
from engine.redaction import redact
from jobs.actions.cards import card_of
from jobs.submission import JobSubmitter, safe_key
from jobs.workspaces.team import current_team, team_job
from storage.actions import ActionRepository
from storage.cases import CaseRepository
from storage.outbox import PendingJob


# Outbox keys: the job rebuilds its own key from its arguments to mark the entry claimed.
# Keyed on the click itself (its action_ts): a redelivery of that click is one job, but a later click by
# the same person is a new one, so a click the rules refused never swallows a later valid one. A second
# valid vote is still counted once: the vote table's unique key answers "already counted".
def _click_suffix(click_ts: str) -> str:
    # Jobs queued before clicks carried their action_ts rebuild the old key.
    return f":{safe_key(click_ts)}" if click_ts else ""


def vote_key(proposal_id: int, user_id: str, kind: str, message_ts: str, click_ts: str = "") -> str:
    return f"record_vote:{proposal_id}:{user_id}:{kind}:{safe_key(message_ts)}{_click_suffix(click_ts)}"


def rollback_key(proposal_id: int, user_id: str, message_ts: str, click_ts: str = "") -> str:
    return f"propose_rollback:{proposal_id}:{user_id}:{safe_key(message_ts)}{_click_suffix(click_ts)}"


def fix_answer_key(proposal_id: int, user_id: str, fixed: int, message_ts: str, click_ts: str = "") -> str:
    suffix = _click_suffix(click_ts)
    return f"record_fix_answer:{proposal_id}:{user_id}:{int(fixed)}:{safe_key(message_ts)}{suffix}"


class ActionRequests:
    """Thin: a primary-key read at most, one outbox insert, one enqueue."""

    def __init__(
        self, submitter: JobSubmitter, repo: ActionRepository, cases: CaseRepository, dry_run: bool = True
    ) -> None:
        self.submitter = submitter
        self.repo = repo
        self.cases = cases
        self.dry_run = dry_run

    def _submit(self, job: PendingJob) -> bool:
        # False: the same click delivered twice (its outbox key exists), so nothing is queued again.
        return self.submitter.submit(job)

    def run_recommended(self, case_id: int, key: str, user_id: str, channel_id: str, delivery: str) -> bool:
        """Run… on a diagnosis' recommended action."""
        args: list[str | int] = [case_id, key, user_id, channel_id, safe_key(delivery)]
        return self._submit(
            team_job(f"propose_recommended_action:{safe_key(delivery)}", "propose_recommended_action", args)
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
        """An engineer's own action; refused before anything is stored when a parameter is a credential."""
        refusal = credential_refusal(parameters)
        if refusal is not None:
            raise InvalidInputError(refusal)
        args: list[str | int] = [
            case_id,
            user_id,
            redact(action),
            redact(target),
            json.dumps(parameters),
            redact(reason),
            safe_key(delivery),
        ]
        return self._submit(team_job(f"propose_action:{safe_key(delivery)}", "propose_action", args))

    def vote(
        self,
        proposal_id: int,
        user_id: str,
        kind: str,
        channel_id: str,
        message_ts: str,
        click_ts: str,
        reason: str = "",
    ) -> bool:
        """Approve or Deny (with the optional reason); keyed on the click, so its redelivery is one job."""
        key = vote_key(proposal_id, user_id, kind, message_ts, click_ts)
        args: list[str | int] = [proposal_id, user_id, kind, channel_id, message_ts, click_ts, reason]
        return self._submit(team_job(key, "record_vote", args))

    def roll_back(
        self, proposal_id: int, user_id: str, channel_id: str, message_ts: str, undo: bool, click_ts: str
    ) -> bool:
        """Roll back / Undo an executed action (the job decides under the policy)."""
        key = rollback_key(proposal_id, user_id, message_ts, click_ts)
        args: list[str | int] = [proposal_id, user_id, channel_id, message_ts, int(undo), click_ts]
        return self._submit(team_job(key, "propose_rollback", args))

    def answer_fixed(
        self, proposal_id: int, user_id: str, fixed: bool, channel_id: str, message_ts: str, click_ts: str
    ) -> bool:
        """ "Did it fix it?" yes / no."""
        key = fix_answer_key(proposal_id, user_id, int(fixed), message_ts, click_ts)
        args: list[str | int] = [proposal_id, user_id, int(fixed), channel_id, message_ts, click_ts]
        return self._submit(team_job(key, "record_fix_answer", args))

    def case_id_for_ref(self, ref: str) -> int | None:
        """FM-12 or 12 → 12, when that case exists (a primary-key read)."""
        case_id = parse_record_ref(ref, "FM")
        case = self.cases.scoped(current_team()).get(case_id) if case_id is not None else None
        return case.id if case else None

    def details(
        self, proposal_id: int
    ) -> tuple[ProposalCard, list[str], list[Observation], list[tuple[str, str]]] | None:
        """The card, the diagnosis' hypotheses and evidence, and the thread's last words, for More info."""
        row = self.repo.get(proposal_id)
        case = self.cases.scoped(current_team()).get(row.case_id) if row else None
        if row is None or case is None:
            return None
        approvals = [v.voter for v in self.repo.votes(row.id) if v.kind == "approve"]
        card = card_of(row, case.ref, approvals, self.dry_run)
        hypotheses: list[str] = []
        evidence: list[Observation] = []
        if case.diagnosis_json:
            diagnosis = Diagnosis.model_validate_json(case.diagnosis_json)
            hypotheses = [f"{h.cause} ({round(h.confidence * 100)}%)" for h in diagnosis.hypotheses]
            # Only what was observed, each with where it was seen: nothing a pattern merely looks for.
            seen = {(o.quote, o.source, o.author): o for h in diagnosis.hypotheses for o in h.observed}
            evidence = list(seen.values())[:12]
        thread = [(m.author_id, m.text[:200]) for m in case.messages if not m.from_bot][-5:]
        return card, hypotheses, evidence, thread
