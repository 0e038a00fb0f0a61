"""Search eval figures: split selection and the rows the table shows."""

from __future__ import annotations

import json
from pathlib import Path

from engine.search.evaluation import EvalQuery, EvalReport, load_queries


def test_load_queries_keeps_only_the_asked_split(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    splits = ["dev", "test", "dev"]
    rows = [
        {"id": str(n), "query": "q", "expected_runbook": "a.md", "split": s} for n, s in enumerate(splits)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")

    assert [q.id for q in load_queries(path)] == ["0", "1", "2"]
    assert [q.id for q in load_queries(path, "dev")] == ["0", "2"]
    assert [q.id for q in load_queries(path, "test")] == ["1"]


def report_for(*splits: str) -> EvalReport:
    report = EvalReport()
    for n, split in enumerate(splits):
        kind = "symptom" if (n // 2) % 2 else "paraphrase"
        report.add(
            "hybrid", EvalQuery(id=str(n), query="q", expected_runbook="a.md", kind=kind, split=split), 1
        )
    return report


def test_table_leaves_out_split_rows_that_would_repeat_all_when_there_is_one_split() -> None:
    one = report_for("dev", "dev", "dev", "dev")
    both = report_for("dev", "test", "dev", "test")

    assert one.slices() == ["all", "paraphrase", "symptom"]
    assert both.slices() == [
        "all", "dev", "paraphrase", "symptom", "test",
        "dev/paraphrase", "dev/symptom", "test/paraphrase", "test/symptom",
    ]  # fmt: skip
    assert "dev " not in one.table() and "test/symptom" in both.table()
