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
