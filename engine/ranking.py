"""Score failure patterns and categories against a case; every point of score comes with what was seen."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine.evidence import fact_rules
from engine.knowledge.categories_model import CategoryKnowledge
from engine.knowledge.patterns_model import FailurePattern
from engine.models import Category, Observation
from engine.observations import Passage, find, find_asserted, phrase_regex

# A log signal (e.g. `OOMKilled`, `x509: certificate has expired`) is far stronger evidence
# than a word in free text, so it outweighs several keyword hits.
SIGNAL_WEIGHT = 3.0
KEYWORD_WEIGHT = 1.0
# A fact from a log (exit code 137, x509, ECONNREFUSED) lifts every pattern of the categories it points at.
FACT_WEIGHT = 2.0
# Prose similarity (0..1) is the weakest signal: a cosine of 0.3 is worth about one keyword.
LEXICAL_WEIGHT = 4.0
# A pattern at this score is a strong match; category scores use min(score, cap) so one noisy
# pattern with many keyword hits cannot drown the context cues.
PATTERN_CAP = 3.0
# A context cue ("since the deploy", "power", "leap second") is evidence for its category.
CUE_WEIGHT = 2.5
# A symptom word ("unreachable", "region", "replica") says what broke, not why: a little evidence only.
SYMPTOM_WEIGHT = 0.75
# Within a category, a cue also lifts each of its patterns a little, so "502s since the deploy" reaches
# the bad-deploy pattern (and its rollback) even without the pattern's own keywords.
CUE_PATTERN_WEIGHT = 0.5
# Similarity of the report to the category's own description (0..1).
PROTOTYPE_WEIGHT = 6.0
# Softmax temperature turning category scores into probabilities: fitted on the shared dev part
# (stated confidence ≈ accuracy), never on the test part.
TEMPERATURE = 2.2
# Score lead over the runner-up needed to say "Looks like X" when one of the two independent signals
# (a context cue, the closest category prototype) points at the leader, and the smaller lead that is
# enough when both do. Chosen on the shared dev part only: confident answers ~87% right on ~40% of cases
# there, which leaves room above 80% on reports it has not seen.
CONFIDENT_MARGIN = 3.0
AGREEING_MARGIN = 1.0

_KEYWORD_REGEX: dict[str, re.Pattern[str]] = {}


@dataclass
class PatternMatch:
    pattern: FailurePattern
    score: float
    observed: list[Observation] = field(default_factory=list)
    # The part of `score` from log signals and log facts: exact machine-written evidence.
    from_logs: float = 0.0

    @property
    def capped(self) -> float:
        """Log evidence in full, words and prose similarity only up to PATTERN_CAP."""
        return self.from_logs + min(self.score - self.from_logs, PATTERN_CAP)


@dataclass
class CategoryScore:
    category: Category
    score: float
    probability: float = 0.0
    best: PatternMatch | None = None
    observed: list[Observation] = field(default_factory=list)
    # Independent signals agree: a context cue in the case points here and/or the report reads most like
    # this category's prototypes, and the category leads the runner-up by the lead that asks for (both
    # signals: AGREEING_MARGIN, one: CONFIDENT_MARGIN). On real reports this, not a high probability,
    # predicts a right answer.
    agreed: bool = False
    needed_lead: float = math.inf


def _keyword_regex(phrase: str) -> re.Pattern[str]:
    # Compiled once per phrase: re's own cache is too small for ~1,000 knowledge-base keywords.
    regex = _KEYWORD_REGEX.get(phrase)
    if regex is None:
        regex = _KEYWORD_REGEX[phrase] = phrase_regex(phrase)
    return regex


def _facts(passages: list[Passage]) -> list[tuple[Observation, tuple[Category, ...]]]:
    found = []
    for regex, label, categories in fact_rules():
        seen = find(passages, regex, label.split(" (")[0])
        if seen:
            found.append((seen, categories))
    return found


def cue_hits(
    passages: list[Passage], knowledge: dict[Category, CategoryKnowledge]
) -> dict[Category, list[Observation]]:
    """Context cues seen in the case ("since the deploy", "power", "leap second"), by category."""
    hits: dict[Category, list[Observation]] = {}
    for category, known in knowledge.items():
        meaning = f"points at {known.name}"
        seen = [find_asserted(passages, cue, meaning, known.action) for cue in known.compiled_cues]
        hits[category] = [o for o in seen if o is not None]
    return hits


def symptom_hits(
    passages: list[Passage], knowledge: dict[Category, CategoryKnowledge]
) -> dict[Category, list[Observation]]:
    """Symptom words seen in the case ("unreachable", "replica"), by category: weaker than cues."""
    hits: dict[Category, list[Observation]] = {}
    for category, known in knowledge.items():
        seen = [find_asserted(passages, s, f"a symptom of {known.name}") for s in known.compiled_symptoms]
        hits[category] = [o for o in seen if o is not None]
    return hits


def match_patterns(
    passages: list[Passage],
    patterns: list[FailurePattern],
    similarities: dict[str, float],
    cues: dict[Category, list[Observation]] | None = None,
) -> list[PatternMatch]:
    """Score every pattern (log signals, keywords, log facts, cues, prose similarity), best first."""
    text = "\n".join(p.text for p in passages)
    lowered = text.lower()
    facts = _facts(passages)
    matches = []
    for pattern in patterns:
        from_logs = 0.0
        observed: list[Observation] = []
        for seen, categories in facts:
            if pattern.category in categories:
                from_logs += FACT_WEIGHT if categories[0] == pattern.category else FACT_WEIGHT / 2
                observed.append(seen)
        for signal in pattern.compiled_signals:
            if signal.search(text):
                from_logs += SIGNAL_WEIGHT
                signature = find(passages, signal, "matches a known log signature")
                if signature:
                    observed.append(signature)
        score = from_logs + LEXICAL_WEIGHT * similarities.get(pattern.id, 0.0)
        for cue in (cues or {}).get(pattern.category, []):
            score += CUE_PATTERN_WEIGHT
            observed.append(cue)
        for keyword in pattern.keywords:
            if keyword.lower() in lowered and _keyword_regex(keyword).search(text):
                # Multi-word phrases are more specific than single words.
                score += KEYWORD_WEIGHT * (1.5 if " " in keyword else 1.0)
                phrase = find(passages, _keyword_regex(keyword))
                if phrase:
                    observed.append(phrase)
        if score > 0:
            matches.append(PatternMatch(pattern, score, _unique(observed), from_logs))
    matches.sort(key=lambda m: (-m.capped, -m.score, m.pattern.id))
    return matches


def _unique(observed: list[Observation]) -> list[Observation]:
    seen: dict[str, Observation] = {}
    for item in observed:
        key = item.quote.lower()
        # A longer quote that contains a shorter one says the same thing: keep the longer.
        if not any(key in other for other in seen):
            seen = {k: v for k, v in seen.items() if k not in key}
            seen[key] = item
    return list(seen.values())


def score_categories(
    cues: dict[Category, list[Observation]],
    matches: list[PatternMatch],
    knowledge: dict[Category, CategoryKnowledge],
    prototype_similarity: dict[Category, float],
    symptoms: dict[Category, list[Observation]] | None = None,
) -> list[CategoryScore]:
    """Combine pattern matches, context cues and category prototypes into calibrated probabilities."""
    scores: list[CategoryScore] = []
    closest = max(prototype_similarity, key=lambda c: prototype_similarity[c], default=None)
    for category in knowledge:
        in_category = [m for m in matches if m.pattern.category == category]
        best = in_category[0] if in_category else None
        score = best.capped if best else 0.0
        observed = list(best.observed) if best else []
        score += CUE_WEIGHT * len(cues.get(category, []))
        observed += cues.get(category, [])
        score += SYMPTOM_WEIGHT * len((symptoms or {}).get(category, []))
        observed += (symptoms or {}).get(category, [])
        score += PROTOTYPE_WEIGHT * prototype_similarity.get(category, 0.0)
        # How many of the two independent signals point here: a context cue, the closest prototype.
        signals = (category == closest) + bool(cues.get(category))
        needed = AGREEING_MARGIN if signals == 2 else CONFIDENT_MARGIN if signals == 1 else math.inf
        scores.append(
            CategoryScore(category, score, best=best, observed=_unique(observed), needed_lead=needed)
        )
    top = max(s.score for s in scores)
    weights = [math.exp((s.score - top) / TEMPERATURE) for s in scores]
    total = sum(weights)
    for entry, weight in zip(scores, weights, strict=True):
        entry.probability = weight / total
    scores.sort(key=lambda s: (-s.score, s.category.value))
    lead = scores[0].score - scores[1].score if len(scores) > 1 else scores[0].score
    for entry in scores:
        entry.agreed = entry is scores[0] and lead >= entry.needed_lead
    return scores
