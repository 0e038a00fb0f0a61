"""Repository for "did it work?" feedback: the prompt on a resolved case and one vote per person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import utcnow
from storage.runbook_models import (
    RunbookFeedbackPromptRow,
    RunbookRow,
    RunbookSuggestionRow,
    RunbookVoteRow,
)

# message_ts while one job holds the right to post the prompt (a second run must not post it again).
POSTING = "posting"


class VoteOutcome(StrEnum):
    RECORDED = "recorded"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    UNKNOWN_RUNBOOK = "unknown runbook"


@dataclass(frozen=True)
class Tally:
    """Votes on one runbook for one case."""

    worked: int = 0
    failed: int = 0


def prompt_runbook_ids(prompt: RunbookFeedbackPromptRow) -> list[int]:
    """The runbooks a feedback message asks about, in the order shown."""
    return [int(i) for i in json.loads(prompt.runbook_ids_json)]


class RunbookFeedbackRepository:
    """Feedback prompts and votes; a runbook's used/worked counters are derived from its votes."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def ensure_prompt(
        self, case_id: int, channel_id: str, thread_ts: str, limit: int = 3
    ) -> RunbookFeedbackPromptRow | None:
        """The case's feedback prompt, created on first call from its best suggestions; None if none."""
        by_case = select(RunbookFeedbackPromptRow).where(RunbookFeedbackPromptRow.case_id == case_id)
        with self._sessions() as session:
            existing = session.scalars(by_case).first()
            if existing is not None:
                return existing
            suggested = list(
                session.scalars(
                    select(RunbookSuggestionRow.runbook_id)
                    .where(RunbookSuggestionRow.case_id == case_id)
                    .order_by(RunbookSuggestionRow.score.desc(), RunbookSuggestionRow.runbook_id)
                    .limit(limit)
                )
            )
            if not suggested:
                return None
            row = RunbookFeedbackPromptRow(
                case_id=case_id,
                channel_id=channel_id,
                thread_ts=thread_ts,
                runbook_ids_json=json.dumps(suggested),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # a concurrent run created it first
                session.rollback()
                return session.scalars(by_case).one()
            return row

    def get_prompt(self, case_id: int) -> RunbookFeedbackPromptRow | None:
        """The feedback prompt of a case, if one was made."""
        with self._sessions() as session:
            return session.scalars(
                select(RunbookFeedbackPromptRow).where(RunbookFeedbackPromptRow.case_id == case_id)
            ).first()

    def claim_prompt(self, prompt_id: int) -> bool:
        """Take the right to post a prompt; False when it is posted or another job is posting it."""
        with self._sessions() as session:
            result = session.execute(
                update(RunbookFeedbackPromptRow)
                .where(
                    RunbookFeedbackPromptRow.id == prompt_id, RunbookFeedbackPromptRow.message_ts.is_(None)
                )
                .values(message_ts=POSTING)
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))

    def set_prompt_ts(self, prompt_id: int, message_ts: str | None) -> None:
        """Remember where the prompt was posted (None gives up a claim after a failed post)."""
        with self._sessions() as session:
            session.execute(
                update(RunbookFeedbackPromptRow)
                .where(RunbookFeedbackPromptRow.id == prompt_id)
                .values(message_ts=message_ts)
            )
            session.commit()

    def record_vote(self, case_id: int, runbook_id: int, user_id: str, worked: bool) -> VoteOutcome:
        """Insert or change one person's vote and re-derive the runbook's counters, in one transaction."""
        with self._sessions() as session:
            # The first statement is a write on the runbook's row: it locks that row (PostgreSQL) or
            # the database (SQLite) until commit, so two votes on one runbook cannot both count from
            # a stale view of its votes.
            locked = session.execute(
                update(RunbookRow).where(RunbookRow.id == runbook_id).values(times_used=RunbookRow.times_used)
            )
            if not getattr(locked, "rowcount", 0):
                session.rollback()
                return VoteOutcome.UNKNOWN_RUNBOOK
            vote = session.scalars(
                select(RunbookVoteRow).where(
                    RunbookVoteRow.case_id == case_id,
                    RunbookVoteRow.runbook_id == runbook_id,
                    RunbookVoteRow.user_id == user_id,
                )
            ).first()
            if vote is not None and vote.worked == worked:
                session.rollback()  # a double click or a Slack retry: nothing changes
                return VoteOutcome.UNCHANGED
            if vote is None:
                session.add(
                    RunbookVoteRow(case_id=case_id, runbook_id=runbook_id, user_id=user_id, worked=worked)
                )
                outcome = VoteOutcome.RECORDED
            else:
                vote.worked = worked
                outcome = VoteOutcome.CHANGED
            session.flush()
            used, worked_cases = self._derived_counters(session, runbook_id)
            session.execute(
                update(RunbookRow)
                .where(RunbookRow.id == runbook_id)
                # updated_at moves too: searchers rebuild on it, so the "worked" boost sees the vote.
                .values(times_used=used, times_worked=worked_cases, updated_at=utcnow())
            )
            session.commit()
            return outcome

    @staticmethod
    def _derived_counters(session: Session, runbook_id: int) -> tuple[int, int]:
        """(cases it was used on, cases where it worked), recomputed from every vote on the runbook.

        Derived rather than adjusted by a delta: the counters are then a pure function of the votes,
        so no retry, concurrent click or hand-edited row can make them drift. A case counts once
        however many people vote; it "worked" when more of them said ✅ than ❌ (a tie does not).
        One indexed aggregate per click is cheap at the rate people click.
        """
        net = func.sum(case((RunbookVoteRow.worked, 1), else_=-1))
        rows = session.execute(
            select(RunbookVoteRow.case_id, net)
            .where(RunbookVoteRow.runbook_id == runbook_id)
            .group_by(RunbookVoteRow.case_id)
        ).all()
        return len(rows), sum(1 for _case_id, balance in rows if balance > 0)

    def tallies(self, case_id: int) -> dict[int, Tally]:
        """Votes per runbook on one case."""
        with self._sessions() as session:
            rows = session.execute(
                select(RunbookVoteRow.runbook_id, RunbookVoteRow.worked, func.count(RunbookVoteRow.id))
                .where(RunbookVoteRow.case_id == case_id)
                .group_by(RunbookVoteRow.runbook_id, RunbookVoteRow.worked)
            ).all()
        found: dict[int, Tally] = {}
        for runbook_id, worked, count in rows:
            tally = found.get(runbook_id, Tally())
            found[runbook_id] = (
                Tally(worked=int(count), failed=tally.failed)
                if worked
                else Tally(worked=tally.worked, failed=int(count))
            )
        return found
