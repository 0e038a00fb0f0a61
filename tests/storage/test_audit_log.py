"""The audit log: idempotent, hash-chained appends that survive races and reveal any tampering."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, text

from storage.audit import AuditLog, canonical_json, entry_hash
from storage.db import make_engine, make_session_factory


def open_log(url: str) -> tuple[AuditLog, Engine]:
    engine = make_engine(url)
    return AuditLog(make_session_factory(engine)), engine


def fill(log: AuditLog, count: int) -> None:
    for n in range(1, count + 1):
        log.append("message", case_id=n % 2 + 1, actor=f"U{n}", data={"n": n, "text": "é ünïcode"})


def test_appends_chain_in_seq_order_and_verify_reports_intact(any_database_url: str) -> None:
    log, _ = open_log(any_database_url)
    assert log.verify().ok and log.verify().entries == 0

    seqs = [log.append("case_opened", case_id=7, actor="U1", data={"title": "db down"}) for _ in range(3)]

    assert seqs == [1, 2, 3]
    result = log.verify()
    assert (result.ok, result.entries, result.first_bad_seq) == (True, 3, None)
    assert result.head_hash == log.for_case(7)[-1].hash


def test_the_same_event_key_is_logged_once(any_database_url: str) -> None:
    log, _ = open_log(any_database_url)
    first = log.append("diagnosis", case_id=1, actor="FaultMaven", data={"a": 1}, event_key="diag:1")
    again = log.append("diagnosis", case_id=1, actor="FaultMaven", data={"a": 2}, event_key="diag:1")

    assert again == first
    records = log.for_case(1)
    assert [(r.seq, r.data) for r in records] == [(first, {"a": 1})]


def test_for_case_returns_only_that_case_oldest_first_with_aware_times(any_database_url: str) -> None:
    log, _ = open_log(any_database_url)
    fill(log, 5)

    records = log.for_case(2)

    assert [r.seq for r in records] == [1, 3, 5]
    assert all(r.at.tzinfo is not None for r in records)
    assert records[0].data == {"n": 1, "text": "é ünïcode"}


def test_concurrent_appends_from_threads_keep_one_valid_chain(any_database_url: str) -> None:
    log, _ = open_log(any_database_url)

    def work(worker: int) -> list[int]:
        seqs = []
        for n in range(10):
            seqs.append(log.append("message", case_id=worker, actor=f"U{worker}", data={"n": n}))
            # Every worker also re-delivers one shared event: it must land once.
            seqs.append(log.append("shared", case_id=None, actor="x", data={}, event_key="shared"))
        return seqs

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(6)))

    result = log.verify()
    assert result.ok, result.reason
    assert result.entries == 6 * 10 + 1
    shared_seqs = {seqs[i] for seqs in results for i in range(1, 20, 2)}
    assert len(shared_seqs) == 1


def test_editing_data_json_is_detected_at_that_row(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET data_json = :d WHERE seq = 3"), {"d": '{"n":999}'})

    result = log.verify()

    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "hash mismatch" in result.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 5)
    row = log.for_case(2)[1]  # seq 3
    prev_hash = log.for_case(1)[0].hash  # seq 2
    forged = {"n": 999}
    digest = entry_hash(prev_hash, row.seq, row.at, row.case_id, row.kind, row.actor, forged)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET data_json = :d, hash = :h WHERE seq = 3"),
            {"d": canonical_json(forged), "h": digest},
        )

    result = log.verify()

    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "prev_hash" in result.reason


def test_deleting_a_middle_row_is_reported_as_a_gap(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))

    result = log.verify()

    assert (result.ok, result.first_bad_seq, result.entries) == (False, 2, 1)
    assert "deleted" in result.reason


def test_deleting_the_last_rows_is_caught_by_the_head_anchor(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq >= 4"))

    result = log.verify()

    assert (result.ok, result.first_bad_seq, result.entries) == (False, 4, 3)
    assert "tail deleted" in result.reason


def test_a_row_appended_behind_the_logs_back_is_detected(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 2)
    last = log.for_case(1)[0]  # seq 2
    data = {"forged": True}
    digest = entry_hash(last.hash, 3, last.at, None, "x", "y", data)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (seq, at, case_id, kind, actor, data_json, prev_hash, hash)"
                " VALUES (3, :at, NULL, 'x', 'y', :d, :p, :h)"
            ),
            {"at": last.at, "d": json.dumps(data, separators=(",", ":")), "p": last.hash, "h": digest},
        )

    result = log.verify()

    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_rewriting_the_last_row_with_a_valid_hash_is_caught_by_the_head(any_database_url: str) -> None:
    log, engine = open_log(any_database_url)
    fill(log, 3)
    last = log.for_case(2)[-1]  # seq 3
    prev_hash = log.for_case(1)[0].hash  # seq 2
    forged = {"n": 0}
    digest = entry_hash(prev_hash, 3, last.at, last.case_id, last.kind, last.actor, forged)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET data_json = :d, hash = :h WHERE seq = 3"),
            {"d": canonical_json(forged), "h": digest},
        )

    result = log.verify()

    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "head hash" in result.reason


def test_verify_while_workers_append_never_cries_wolf(any_database_url: str) -> None:
    log, _ = open_log(any_database_url)
    fill(log, 3)

    def append_many(worker: int) -> None:
        for n in range(15):
            log.append("message", case_id=worker, actor="U1", data={"n": n})

    with ThreadPoolExecutor(max_workers=3) as pool:
        writers = [pool.submit(append_many, w) for w in range(2)]
        checks = []
        while not all(w.done() for w in writers):
            checks.append(log.verify())
        for writer in writers:
            writer.result()

    assert all(check.ok for check in checks), [c.reason for c in checks if not c.ok]
    assert log.verify().entries == 33
