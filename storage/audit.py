"""The append-only, hash-chained audit log: every entry seals the one before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.audit_coverage import unaudited_rows
from storage.audit_models import AuditHeadRow, AuditRow

GENESIS_HASH = "0" * 64
# Seq 0 opens every log, written with its first entry: a log without it was wiped or cut from the start.
GENESIS_KIND = "genesis"
GENESIS_SEQ = 0
_HEAD_ID = 1
# Concurrent workers race for the next seq; the loser re-reads and tries again.
_MAX_ATTEMPTS = 100
_STREAM_BATCH = 500


def canonical_json(value: Any) -> str:
    """One spelling per value, so the same data always hashes the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _as_utc(at: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were written in UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def entry_hash(
    prev_hash: str, seq: int, at: datetime, case_id: int | None, kind: str, actor: str, data: Any
) -> str:
    """sha256 over the previous hash and the canonical JSON of this entry."""
    body = {
        "seq": seq,
        "at": _as_utc(at).isoformat(),
        "case_id": case_id,
        "kind": kind,
        "actor": actor,
        "data": data,
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: datetime
    case_id: int | None
    kind: str
    actor: str
    data: dict[str, Any]
    event_key: str | None
    hash: str


@dataclass(frozen=True)
class AuditVerification:
    """`entries` counts the entries after genesis."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH


class AuditLog:
    """Appends entries safely from many workers and proves the chain has not been touched."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def append(
        self,
        kind: str,
        *,
        case_id: int | None,
        actor: str,
        data: dict[str, Any],
        event_key: str | None = None,
    ) -> int:
        """Add one entry and return its seq; an event_key seen before returns the earlier seq."""
        data_json = canonical_json(data)
        stored_data = json.loads(data_json)
        for _ in range(_MAX_ATTEMPTS):
            with self._sessions() as session:
                if event_key is not None:
                    existing = self._seq_for_key(session, event_key)
                    if existing is not None:
                        return existing
                last = session.execute(
                    select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
                ).first()
                prev_seq, prev_hash = (last[0], last[1]) if last else _add_genesis(session)
                seq, at = prev_seq + 1, datetime.now(UTC)
                digest = entry_hash(prev_hash, seq, at, case_id, kind, actor, stored_data)
                session.add(
                    AuditRow(
                        seq=seq,
                        at=at,
                        case_id=case_id,
                        kind=kind,
                        actor=actor,
                        data_json=data_json,
                        event_key=event_key,
                        prev_hash=prev_hash,
                        hash=digest,
                    )
                )
                try:
                    # The insert claims the seq first: whoever loses that race never touches the head.
                    session.flush()
                    self._move_head(session, seq, digest)
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
                return seq
        raise RuntimeError(f"audit append of {kind!r} lost the race {_MAX_ATTEMPTS} times")

    @staticmethod
    def _seq_for_key(session: Session, event_key: str) -> int | None:
        return session.execute(select(AuditRow.seq).where(AuditRow.event_key == event_key)).scalar()

    @staticmethod
    def _move_head(session: Session, seq: int, digest: str) -> None:
        moved = session.execute(
            update(AuditHeadRow).where(AuditHeadRow.id == _HEAD_ID).values(seq=seq, hash=digest)
        )
        if getattr(moved, "rowcount", 0) == 0:
            session.add(AuditHeadRow(id=_HEAD_ID, seq=seq, hash=digest))
            session.flush()

    def seq_for(self, event_key: str) -> int | None:
        """The seq of the entry logged under this event key, if any."""
        with self._sessions() as session:
            return self._seq_for_key(session, event_key)

    def for_case(self, case_id: int) -> list[AuditRecord]:
        """Every entry about one case, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(AuditRow).where(AuditRow.case_id == case_id).order_by(AuditRow.seq))
            return [_record(row) for row in rows]

    def verify(
        self, expect_head: str | None = None, settle: timedelta = timedelta(seconds=60)
    ) -> AuditVerification:
        """Walk the whole chain, then check it against the head, `expect_head` and the audited tables.

        `expect_head` is a head hash (or a 16+ character prefix) kept outside the database: the chain
        must still contain that entry, so nothing up to it was cut or rewritten (later appends are fine).
        Rows younger than `settle` are skipped by the cross-check (their job may still be running).
        """
        settled_before = datetime.now(UTC) - settle
        with self._sessions() as session:
            # The head is read before and after the walk: appends may land meanwhile, and the
            # chain we saw must end between the two heads to be whole.
            before = _read_head(session)
            expected_seq, prev_hash, entries = GENESIS_SEQ, GENESIS_HASH, 0
            kept_head_found = expect_head is None
            for row in _stream(session):
                problem = _check_start(row) if expected_seq == GENESIS_SEQ else None
                if problem is None and expected_seq == GENESIS_SEQ:
                    expected_seq = row.seq  # 1 for a log begun before genesis entries existed
                problem = problem or _check(row, expected_seq, prev_hash)
                if problem is not None:
                    return AuditVerification(False, entries, problem[0], problem[1], prev_hash)
                entries += row.seq != GENESIS_SEQ
                kept_head_found = kept_head_found or row.hash.startswith(str(expect_head).lower())
                expected_seq, prev_hash = row.seq + 1, row.hash
            last_seq = max(expected_seq - 1, 0)
            problem = _check_end(last_seq, prev_hash, before, _read_head(session))
            if problem is None and not kept_head_found:
                problem = (
                    last_seq,
                    f"the kept head {str(expect_head)[:16]} is not in the chain (log rewritten or cut)",
                )
            problem = problem or _check_coverage(session, last_seq, settled_before)
            if problem is not None:
                return AuditVerification(False, entries, problem[0], problem[1], prev_hash)
            return AuditVerification(True, entries, head_hash=prev_hash)


def _add_genesis(session: Session) -> tuple[int, str]:
    """Open the chain with seq 0; the caller's entry follows it in the same transaction."""
    at = datetime.now(UTC)
    data = {"note": "first entry of this audit log"}
    digest = entry_hash(GENESIS_HASH, GENESIS_SEQ, at, None, GENESIS_KIND, "faultmaven", data)
    session.add(
        AuditRow(
            seq=GENESIS_SEQ,
            at=at,
            case_id=None,
            kind=GENESIS_KIND,
            actor="faultmaven",
            data_json=canonical_json(data),
            event_key=None,
            prev_hash=GENESIS_HASH,
            hash=digest,
        )
    )
    return GENESIS_SEQ, digest


def _check_start(row: AuditRow) -> tuple[int, str] | None:
    """The first row must be the genesis entry (or, for a log begun before genesis, seq 1 on zeros)."""
    if row.seq == GENESIS_SEQ:
        return None if row.kind == GENESIS_KIND else (row.seq, "seq 0 is not the genesis entry")
    if row.seq == 1 and row.prev_hash == GENESIS_HASH:
        return None
    return GENESIS_SEQ, f"genesis entry missing: the log starts at seq {row.seq} (entries deleted)"


def _check_coverage(session: Session, last_seq: int, settled_before: datetime) -> tuple[int, str] | None:
    missing = unaudited_rows(session, settled_before)
    if not missing:
        return None
    described = "; ".join(f"{m.count} {m.what}(s) (ids {', '.join(m.examples)})" for m in missing)
    return last_seq + 1, f"rows without audit entries: {described} (log wiped or truncated)"


def _read_head(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == _HEAD_ID)
    ).first()
    return (row[0], row[1]) if row else None


def _check_end(
    last_seq: int, last_hash: str, before: tuple[int, str] | None, after: tuple[int, str] | None
) -> tuple[int, str] | None:
    """Does the chain end where the head anchor says it does?"""
    if after is None:
        return None if last_seq == 0 else (last_seq, "head record missing")
    if last_seq > after[0]:
        return after[0] + 1, f"entries after the head seq {after[0]} were added outside FaultMaven"
    lowest = before[0] if before else 0
    if last_seq < lowest:
        return last_seq + 1, f"log ends at seq {last_seq} but the head records seq {lowest} (tail deleted)"
    known = dict(head for head in (before, after) if head is not None)
    if last_seq in known and known[last_seq] != last_hash:
        return last_seq, "the head hash does not match the last entry (last entry replaced)"
    return None


def _stream(session: Session) -> Iterator[AuditRow]:
    # yield_per keeps memory flat (a server-side cursor on PostgreSQL) however long the log grows.
    result = session.execute(
        select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=_STREAM_BATCH)
    )
    for row in result.scalars():
        yield row
        session.expunge(row)


def _check(row: AuditRow, expected_seq: int, prev_hash: str) -> tuple[int, str] | None:
    if row.seq != expected_seq:
        missing = expected_seq if row.seq > expected_seq else row.seq
        return missing, f"seq {expected_seq} expected, found {row.seq} (row deleted or inserted)"
    try:
        data = json.loads(row.data_json)
    except ValueError:
        return row.seq, "data_json is not valid JSON (row edited)"
    if canonical_json(data) != row.data_json:
        return row.seq, "data_json is not in canonical form (row edited)"
    recomputed = entry_hash(row.prev_hash, row.seq, row.at, row.case_id, row.kind, row.actor, data)
    if recomputed != row.hash:
        return row.seq, "hash mismatch (row edited)"
    if row.prev_hash != prev_hash:
        return row.seq, f"prev_hash does not match seq {row.seq - 1} (row replaced or inserted)"
    return None


def _record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=_as_utc(row.at),
        case_id=row.case_id,
        kind=row.kind,
        actor=row.actor,
        data=json.loads(row.data_json),
        event_key=row.event_key,
        hash=row.hash,
    )
