"""The offline engine: matches a case against the failure-pattern knowledge base, no API key needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.changes import describe_changes
from engine.evidence import Fact, extract_facts
from engine.knowledge.patterns_model import FailurePattern
from engine.lexical import LexicalIndex
from engine.models import (
    CaseContext,
    Category,
    Diagnosis,
    Hypothesis,
    RecommendedAction,
    Severity,
)
from engine.search.embedding import Embedder
from engine.semantic import SemanticIndex

# A log signal (e.g. `OOMKilled`, `x509: certificate has expired`) is far stronger evidence
# than a word in free text, so it outweighs several keyword hits.
SIGNAL_WEIGHT = 3.0
KEYWORD_WEIGHT = 1.0
# Score at which we treat a pattern as a confident match; below it confidence shrinks.
CONFIDENT_SCORE = 6.0
MIN_SCORE = 1.0
# A fact extracted from a log (exit code 137, x509, ECONNREFUSED) points at a category, not a
# pattern: it lifts every pattern of that category, most for the category it points at first.
FACT_WEIGHT = 2.0
# Prose similarity (0..1) is the weakest signal: a cosine of 0.3 is worth about one keyword.
LEXICAL_WEIGHT = 4.0
# How much of the prose similarity comes from sentence embeddings (the rest is TF-IDF words).
SEMANTIC_SHARE = 0.5

_URGENT_WORDS = re.compile(r"\b(outage|down|all users|customers|production|prod|sev ?1|p1|data loss)\b", re.I)


@dataclass
class PatternMatch:
    pattern: FailurePattern
    score: float
    evidence: list[str] = field(default_factory=list)

    @property
    def strength(self) -> float:
        """How convincing the match is, 0..1."""
        return min(1.0, self.score / CONFIDENT_SCORE)


_KEYWORD_REGEX: dict[str, re.Pattern[str]] = {}


def _contains_phrase(text: str, phrase: str) -> bool:
    # Compiled once per phrase: re's own cache is too small for ~1,000 knowledge-base keywords.
    regex = _KEYWORD_REGEX.get(phrase)
    if regex is None:
        regex = re.compile(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])")
        _KEYWORD_REGEX[phrase] = regex
    return regex.search(text) is not None


def _fact_bonus(pattern: FailurePattern, facts: list[Fact]) -> tuple[float, list[str]]:
    score, evidence = 0.0, []
    for fact in facts:
        if pattern.category in fact.categories:
            first = fact.categories[0] == pattern.category
            score += FACT_WEIGHT if first else FACT_WEIGHT / 2
            evidence.append(f"log shows {fact.label}")
    return score, evidence


def match_patterns(
    text: str,
    patterns: list[FailurePattern],
    facts: list[Fact] | None = None,
    similarities: dict[str, float] | None = None,
    min_score: float = MIN_SCORE,
) -> list[PatternMatch]:
    """Score every pattern against the text (facts, prose similarity), best first, dropping non-matches."""
    lowered = text.lower()
    matches = []
    for pattern in patterns:
        score, evidence = _fact_bonus(pattern, facts or [])
        score += LEXICAL_WEIGHT * (similarities or {}).get(pattern.id, 0.0)
        for signal in pattern.compiled_signals:
            found = signal.search(text)
            if found:
                score += SIGNAL_WEIGHT
                evidence.append(f"log shows `{found.group(0)[:80]}`")
        for keyword in pattern.keywords:
            if _contains_phrase(lowered, keyword):
                # Multi-word phrases are more specific than single words.
                score += KEYWORD_WEIGHT * (1.5 if " " in keyword else 1.0)
                evidence.append(f"report mentions “{keyword}”")
        if score >= min_score and score > 0:
            matches.append(PatternMatch(pattern, score, evidence))
    matches.sort(key=lambda m: (-m.score, m.pattern.id))
    return matches


def _guess_severity(text: str, top: PatternMatch | None) -> Severity:
    base = top.pattern.severity if top else Severity.MEDIUM
    if _URGENT_WORDS.search(text) and base in (Severity.LOW, Severity.MEDIUM):
        return Severity.HIGH
    return base


class OfflineEngine:
    """Diagnoses from the local knowledge base; confidence reflects how well the case matched."""

    name = "offline"

    def __init__(self, patterns: list[FailurePattern], embedder: Embedder | None = None) -> None:
        self._patterns = patterns
        self._lexical = LexicalIndex(patterns)
        self._semantic = SemanticIndex(patterns, embedder) if embedder is not None else None

    def _similarities(self, text: str) -> dict[str, float]:
        """Prose similarity per pattern: TF-IDF words, blended with sentence embeddings when available."""
        lexical = self._lexical.similarities(text)
        if self._semantic is None:
            return lexical
        semantic = self._semantic.similarities(text)
        return {
            pid: SEMANTIC_SHARE * semantic.get(pid, 0.0) + (1 - SEMANTIC_SHARE) * lexical.get(pid, 0.0)
            for pid in semantic.keys() | lexical.keys()
        }

    def diagnose(self, case: CaseContext) -> Diagnosis:
        """Rank known failure patterns against the case's evidence and explain the best ones."""
        text = case.evidence_text()
        candidates = match_patterns(
            text, self._patterns, extract_facts(text), self._similarities(text), min_score=0.0
        )
        matches = [m for m in candidates if m.score >= MIN_SCORE]
        if not matches:
            # Too weak to name a category, but the faint candidates are still worth ranking.
            guesses = list(dict.fromkeys(m.pattern.category for m in candidates))[:2]
            unknown = self._unknown(case, text)
            return unknown.model_copy(update={"categories": [Category.UNKNOWN, *guesses]})
        diagnosis = self._from_matches(text, matches)
        # Weak candidates still rank the runner-up categories (for top-3 and the model's routing).
        ranked = list(dict.fromkeys(m.pattern.category for m in candidates))[:3]
        diagnosis = diagnosis.model_copy(update={"categories": ranked})
        return diagnosis.model_copy(update={"changes": describe_changes(case.previous, diagnosis)})

    def _from_matches(self, text: str, matches: list[PatternMatch]) -> Diagnosis:
        top = matches[0]
        hypotheses = [
            Hypothesis(
                cause=h.cause,
                confidence=round(h.prior * (0.35 + 0.65 * top.strength), 2),
                evidence=top.evidence[:4] + h.evidence_for[:1],
                evidence_against=h.evidence_against[:2],
                checks=h.checks[:3],
            )
            for h in top.pattern.hypotheses[:2]
        ]
        if len(matches) > 1 and matches[1].score >= 0.6 * top.score:
            runner_up = matches[1]
            first = runner_up.pattern.hypotheses[0]
            hypotheses.append(
                Hypothesis(
                    cause=first.cause,
                    confidence=round(first.prior * (0.25 + 0.5 * runner_up.strength), 2),
                    evidence=runner_up.evidence[:3],
                    evidence_against=first.evidence_against[:2],
                    checks=first.checks[:2],
                )
            )
        hypotheses.sort(key=lambda h: -h.confidence)
        checks = [c for h in hypotheses for c in h.checks]
        return Diagnosis(
            summary=f"Looks like: {top.pattern.title}.",
            category=top.pattern.category,
            categories=list(dict.fromkeys(m.pattern.category for m in matches))[:3],
            severity=_guess_severity(text, top),
            hypotheses=hypotheses[:3],
            next_steps=list(dict.fromkeys(checks))[:4],
            recommended_actions=[
                RecommendedAction.model_validate(a.model_dump()) for a in top.pattern.actions
            ],
            questions=top.pattern.questions[:2],
            engine=self.name,
        )

    def _unknown(self, case: CaseContext, text: str) -> Diagnosis:
        return Diagnosis(
            summary="No known failure pattern matches yet; I need more evidence to narrow this down.",
            category=Category.UNKNOWN,
            severity=case.reported_severity or _guess_severity(text, None),
            hypotheses=[
                Hypothesis(
                    cause="A recent change (deploy, config, infrastructure) introduced the fault",
                    confidence=0.2,
                    checks=["List deploys and config changes in the hour before the symptom started"],
                )
            ],
            next_steps=[
                "Paste the exact error message or the last 50 log lines",
                "Say when it started and what changed around then",
            ],
            questions=["What exactly fails, for whom, and since when?"],
            engine=self.name,
        )
