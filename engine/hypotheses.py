"""Ranked categories become at most three distinct hypotheses: what was seen, what to check."""

from __future__ import annotations

from engine.knowledge.categories_model import CategoryKnowledge
from engine.lexical import terms
from engine.models import Category, Hypothesis, Observation
from engine.ranking import CategoryScore
from engine.technology import is_foreign

MAX_HYPOTHESES = 3
MAX_OBSERVED = 4
# Two causes sharing this much of their vocabulary are one idea said twice.
DUPLICATE_OVERLAP = 0.5
# A category this much less likely than the first is not a live possibility worth showing.
LIVE_SHARE = 0.15


def keep_checks(checks: list[str], named: list[str], limit: int) -> list[str]:
    """Checks for the named technologies (or none in particular), first `limit`."""
    return [c for c in checks if not is_foreign(c, named)][:limit]


def _overlap(a: str, b: str) -> float:
    left, right = set(terms(a)), set(terms(b))
    return len(left & right) / (min(len(left), len(right)) or 1)


def merge_duplicates(hypotheses: list[Hypothesis]) -> list[Hypothesis]:
    """Fold hypotheses that state the same cause into the first, pooling what was seen and the checks."""
    merged: list[Hypothesis] = []
    for hypothesis in hypotheses:
        twin = next((h for h in merged if _overlap(h.cause, hypothesis.cause) >= DUPLICATE_OVERLAP), None)
        if twin is None:
            merged.append(hypothesis)
            continue
        quotes = {o.quote.lower() for o in twin.observed}
        twin.observed += [o for o in hypothesis.observed if o.quote.lower() not in quotes][
            : MAX_OBSERVED - len(twin.observed)
        ]
        twin.checks += [c for c in hypothesis.checks if c not in twin.checks]
        twin.confidence = round(min(1.0, twin.confidence + hypothesis.confidence), 2)
    return merged


def _category_level(entry: CategoryScore, known: CategoryKnowledge) -> Hypothesis:
    return Hypothesis(
        cause=f"{known.name[0].upper()}{known.name[1:]}",
        confidence=round(entry.probability, 2),
        category=entry.category,
        observed=entry.observed[:MAX_OBSERVED],
        checks=known.checks[:2],
    )


def build_hypotheses(
    ranked: list[CategoryScore],
    knowledge: dict[Category, CategoryKnowledge],
    named: list[str],
    specific: bool,
    confident: bool,
) -> list[Hypothesis]:
    """The live possibilities, best first: the top pattern's causes when confident, one per category if not.

    `specific` is False when the case names a technology the knowledge base does not cover; then every
    hypothesis is category-level with technology-neutral checks.
    """
    top_p = ranked[0].probability
    live = [e for e in ranked[:MAX_HYPOTHESES] if e.probability >= LIVE_SHARE * top_p]
    hypotheses: list[Hypothesis] = []
    for position, entry in enumerate(live):
        known = knowledge[entry.category]
        best = entry.best if specific else None
        if best is None or best.score < 1.0:
            hypotheses.append(_category_level(entry, known))
            continue
        causes = best.pattern.hypotheses[: 2 if confident and position == 0 else 1]
        prior_total = sum(h.prior for h in causes) or 1.0
        for cause in causes:
            checks = keep_checks(cause.checks, named, 3) or keep_checks(known.checks, named, 2)
            hypotheses.append(
                Hypothesis(
                    cause=cause.cause,
                    confidence=round(entry.probability * cause.prior / prior_total, 2),
                    category=entry.category,
                    observed=_observed_for(entry, best.observed),
                    checks=checks,
                    rules_out=keep_checks(cause.evidence_against, named, 2),
                )
            )
    return merge_duplicates(hypotheses)[:MAX_HYPOTHESES]


def _observed_for(entry: CategoryScore, pattern_observed: list[Observation]) -> list[Observation]:
    quotes = {o.quote.lower() for o in pattern_observed}
    extra = [o for o in entry.observed if o.quote.lower() not in quotes]
    return (pattern_observed + extra)[:MAX_OBSERVED]
