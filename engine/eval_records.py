"""Per-case eval records: what the engine said, how sure it was, and whether its evidence is real."""

from __future__ import annotations

from pydantic import BaseModel, Field

from engine.models import CaseContext, Category, Diagnosis
from engine.observations import quotes_case
from engine.technology import is_foreign, named_technologies

# Confidence buckets for the calibration table: stated confidence → how often it was right.
BUCKETS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


class RankedCategory(BaseModel):
    category: Category
    score: float


class EvidenceRecord(BaseModel):
    quote: str
    source: str
    quotes_case: bool


class CaseRecord(BaseModel):
    """One case of an eval run, as printed by `--json`."""

    id: str
    category: Category
    top3: list[RankedCategory]
    confident: bool
    confidence: float
    headline: str
    technologies: list[str] = Field(default_factory=list)
    evidence: list[EvidenceRecord] = Field(default_factory=list)
    foreign_checks: list[str] = Field(default_factory=list)
    latency_ms: float

    @property
    def top1_hit(self) -> bool:
        """Whether the first category was the expected one."""
        return bool(self.top3) and self.top3[0].category == self.category


def _scores(diagnosis: Diagnosis) -> list[RankedCategory]:
    per_category: dict[Category, float] = {}
    for hypothesis in diagnosis.hypotheses:
        if hypothesis.category is not None:
            per_category[hypothesis.category] = (
                per_category.get(hypothesis.category, 0.0) + hypothesis.confidence
            )
    per_category[diagnosis.category] = diagnosis.confidence or per_category.get(diagnosis.category, 0.0)
    return [
        RankedCategory(category=c, score=round(per_category.get(c, 0.0), 3))
        for c in diagnosis.ranked_categories()[:3]
    ]


def case_record(
    case_id: str, expected: Category, context: CaseContext, diagnosis: Diagnosis, latency_ms: float
) -> CaseRecord:
    """Score one final diagnosis against the case it was made for."""
    named = named_technologies(context.evidence_text())
    texts = [c for h in diagnosis.hypotheses for c in h.checks] + diagnosis.next_steps
    texts += [f"{a.title} {a.command} {a.target} {a.rollback}" for a in diagnosis.recommended_actions]
    return CaseRecord(
        id=case_id,
        category=expected,
        top3=_scores(diagnosis),
        confident=diagnosis.confident,
        confidence=diagnosis.confidence,
        headline=diagnosis.summary,
        technologies=diagnosis.technologies,
        evidence=[
            EvidenceRecord(quote=o.quote, source=o.where(), quotes_case=quotes_case(o, context))
            for h in diagnosis.hypotheses
            for o in h.observed
        ],
        foreign_checks=sorted({t for t in texts if is_foreign(t, named)}),
        latency_ms=round(latency_ms, 2),
    )


class CalibrationRow(BaseModel):
    low: float
    high: float
    cases: int
    accuracy: float


def calibration(records: list[CaseRecord]) -> list[CalibrationRow]:
    """Stated confidence bucket → share of those answers whose first category was right."""
    rows = []
    for low, high in BUCKETS:
        inside = [r for r in records if low <= r.confidence < high]
        hits = sum(r.top1_hit for r in inside)
        rows.append(
            CalibrationRow(
                low=low,
                high=min(high, 1.0),
                cases=len(inside),
                accuracy=hits / len(inside) if inside else 0.0,
            )
        )
    return rows
