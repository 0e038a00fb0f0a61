"""Measure a diagnosis engine on labelled reports: top-1/top-3 category accuracy and latency."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, Field

from engine.eval_records import CalibrationRow, CaseRecord, calibration, case_record
from engine.models import CaseContext, Category, Diagnosis, Turn
from engine.ports import DiagnosisEngine
from engine.triage import title_from_text


class EvalCase(BaseModel):
    """One line of the eval file."""

    id: str
    report: str
    category: Category
    followups: list[str] = Field(default_factory=list)


class CategoryScore(BaseModel):
    cases: int = 0
    top1: int = 0
    top3: int = 0

    @property
    def top1_rate(self) -> float:
        """Share of cases whose first category was right."""
        return self.top1 / self.cases if self.cases else 0.0

    @property
    def top3_rate(self) -> float:
        """Share of cases with the right category among the first three."""
        return self.top3 / self.cases if self.cases else 0.0


class EvalReport(BaseModel):
    engine: str
    overall: CategoryScore
    per_category: dict[str, CategoryScore]
    latency_p50_ms: float
    latency_p95_ms: float
    misses: list[str] = Field(default_factory=list)
    records: list[CaseRecord] = Field(default_factory=list)

    @property
    def confident_share(self) -> float:
        """Share of answers stated as confident ("Looks like X")."""
        return sum(r.confident for r in self.records) / len(self.records) if self.records else 0.0

    @property
    def confident_accuracy(self) -> float:
        """How often an answer stated as confident had the right first category."""
        sure = [r for r in self.records if r.confident]
        return sum(r.top1_hit for r in sure) / len(sure) if sure else 0.0

    @property
    def evidence_not_in_case(self) -> int:
        """Evidence lines whose quote does not occur in the case (must be zero)."""
        return sum(not e.quotes_case for r in self.records for e in r.evidence)

    @property
    def foreign_checks(self) -> int:
        """Checks and actions for a technology other than the ones the case names (must be zero)."""
        return sum(len(r.foreign_checks) for r in self.records)

    def calibration(self) -> list[CalibrationRow]:
        """Stated confidence bucket → accuracy."""
        return calibration(self.records)

    def as_json(self) -> str:
        """Machine-readable figures, rates included."""
        data = {
            "engine": self.engine,
            "cases": self.overall.cases,
            "top1": round(self.overall.top1_rate, 4),
            "top3": round(self.overall.top3_rate, 4),
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p95_ms": self.latency_p95_ms,
            "per_category": {
                name: {"cases": s.cases, "top1": round(s.top1_rate, 4), "top3": round(s.top3_rate, 4)}
                for name, s in self.per_category.items()
            },
            "confident_share": round(self.confident_share, 4),
            "confident_accuracy": round(self.confident_accuracy, 4),
            "evidence_not_in_case": self.evidence_not_in_case,
            "foreign_checks": self.foreign_checks,
            "calibration": [row.model_dump() for row in self.calibration()],
            "misses": self.misses,
            "records": [record.model_dump(mode="json") for record in self.records],
        }
        return json.dumps(data, indent=2)

    def as_table(self) -> str:
        """A fixed-width table for a terminal or CI log."""
        lines = [f"{'category':<24} {'cases':>5} {'top-1':>7} {'top-3':>7}"]
        for name, s in sorted(self.per_category.items()):
            lines.append(f"{name:<24} {s.cases:>5} {s.top1_rate:>7.0%} {s.top3_rate:>7.0%}")
        o = self.overall
        lines.append(f"{'overall':<24} {o.cases:>5} {o.top1_rate:>7.0%} {o.top3_rate:>7.0%}")
        lines.append(
            f"confident answers: {self.confident_share:.0%} of cases, "
            f"right {self.confident_accuracy:.0%} of the time"
        )
        lines.append(
            f"evidence lines not in the case: {self.evidence_not_in_case}; "
            f"foreign-technology checks/actions: {self.foreign_checks}"
        )
        lines.append("calibration (stated confidence → accuracy):")
        lines.extend(
            f"  {row.low:.0%}–{row.high:.0%}: {row.cases:>3} cases, right {row.accuracy:.0%}"
            for row in self.calibration()
            if row.cases
        )
        lines.append(f"latency per turn: p50 {self.latency_p50_ms:.1f} ms, p95 {self.latency_p95_ms:.1f} ms")
        return "\n".join(lines)


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSONL file of labelled reports (blank lines ignored)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [EvalCase.model_validate_json(line) for line in lines if line.strip()]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


def _run_case(
    engine: DiagnosisEngine, case: EvalCase, latencies: list[float]
) -> tuple[CaseContext, Diagnosis]:
    """Play the case turn by turn, as a thread would, and return the last context and diagnosis."""
    context = CaseContext(case_ref=case.id, title=title_from_text(case.report), description=case.report)
    diagnosis: Diagnosis | None = None
    for step in range(len(case.followups) + 1):
        if step:
            turns = [*context.turns, Turn(author="eval", text=case.followups[step - 1])]
            context = context.model_copy(update={"turns": turns, "previous": diagnosis})
        started = time.perf_counter()
        diagnosis = engine.diagnose(context)
        latencies.append((time.perf_counter() - started) * 1000)
    assert diagnosis is not None
    return context, diagnosis


def evaluate(engine: DiagnosisEngine, cases: list[EvalCase]) -> EvalReport:
    """Run every case through the engine and score the final diagnosis of each."""
    overall = CategoryScore()
    per_category: dict[str, CategoryScore] = defaultdict(CategoryScore)
    latencies: list[float] = []
    misses: list[str] = []
    records: list[CaseRecord] = []
    for case in cases:
        context, diagnosis = _run_case(engine, case, latencies)
        records.append(case_record(case.id, case.category, context, diagnosis, latencies[-1]))
        ranked = diagnosis.ranked_categories()
        hit1, hit3 = ranked[:1] == [case.category], case.category in ranked[:3]
        for score in (overall, per_category[case.category.value]):
            score.cases += 1
            score.top1 += hit1
            score.top3 += hit3
        if not hit1:
            misses.append(f"{case.id}: expected {case.category.value}, got {ranked[0].value}")
    return EvalReport(
        engine=engine.name,
        overall=overall,
        per_category=dict(per_category),
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        misses=misses,
        records=records,
    )


def select_part(cases: list[EvalCase], split_file: Path, part: str) -> list[EvalCase]:
    """Only the cases whose ids the split file lists under `part` ("dev" or "test")."""
    ids = set(json.loads(split_file.read_text(encoding="utf-8"))[part])
    return [case for case in cases if case.id in ids]
