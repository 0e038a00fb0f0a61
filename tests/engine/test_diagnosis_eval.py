"""The diagnosis eval: scores the shipped dev set and prints a table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from engine.diagnosis_eval import evaluate, load_cases
from tests.engine.test_offline import ENGINE

DEV_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "diagnosis_dev.jsonl"


def test_dev_set_is_large_and_covers_every_category() -> None:
    cases = load_cases(DEV_SET)

    assert len(cases) >= 80
    assert len({c.category for c in cases}) == 13


def test_offline_engine_meets_its_accuracy_targets_on_the_dev_set() -> None:
    report = evaluate(ENGINE, load_cases(DEV_SET))

    assert report.overall.top1_rate >= 0.60
    assert report.overall.top3_rate >= 0.85


def test_eval_command_prints_table_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        '{"id": "a", "report": "x509: certificate has expired", "category": "certificate_expiry"}\n'
        '{"id": "b", "report": "checkout is flaky", "category": "resource_exhaustion", '
        '"followups": ["Reason: OOMKilled"]}\n'
    )

    assert main(["eval", "diagnosis", "--cases", str(cases)]) == 0
    table = capsys.readouterr().out
    assert main(["eval", "diagnosis", "--cases", str(cases), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)

    assert "overall" in table and "p95" in table
    assert figures["cases"] == 2 and figures["top1"] == 1.0
    assert figures["per_category"]["certificate_expiry"]["top3"] == 1.0


def test_eval_json_has_one_record_per_case_with_quoted_evidence_and_calibration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        '{"id": "pg", "report": "prod postgres primary at max_connections, app logs '
        '\'too many connections\'", "category": "database"}\n'
        '{"id": "vague", "report": "the thing is weird today", "category": "config_change"}\n'
    )
    split = tmp_path / "split.json"
    split.write_text('{"dev": ["pg", "vague"], "test": ["vague"]}')

    assert main(["eval", "diagnosis", "--cases", str(cases), "--split", str(split), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)

    pg, vague = data["records"]
    assert pg["id"] == "pg" and pg["category"] == "database"
    assert pg["top3"][0] == {"category": "database", "score": pg["confidence"]}
    assert pg["technologies"] == ["postgresql"]
    assert {"quote": "too many connections", "source": "in the report", "quotes_case": True} in pg["evidence"]
    assert pg["foreign_checks"] == [] and pg["latency_ms"] > 0
    assert vague["confident"] is False and vague["headline"].startswith("Not sure yet")
    assert data["evidence_not_in_case"] == 0 and data["foreign_checks"] == 0
    assert sum(row["cases"] for row in data["calibration"]) == 2

    assert main(["eval", "diagnosis", "--cases", str(cases), "--split", str(split), "--part", "test"]) == 0
    table = capsys.readouterr().out
    assert "overall                      1" in table and "calibration (stated confidence → accuracy)" in table
