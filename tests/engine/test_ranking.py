"""The confident flag: how far the leader must lead depends on how many independent signals agree."""

from engine.knowledge.categories_model import load_categories
from engine.models import Category, EvidenceSource, Observation
from engine.ranking import AGREEING_MARGIN, CONFIDENT_MARGIN, CategoryScore, score_categories

KNOWLEDGE = load_categories()
DEPLOY, CONFIG = Category.DEPLOYMENT_BUG, Category.CONFIG_CHANGE


def ranked(deploy_cues: int, deploy_prototype: float, config_prototype: float) -> list[CategoryScore]:
    """Only two live categories: deployment (with context cues) and configuration (none)."""
    cues = {DEPLOY: [Observation(quote=f"cue {i}", source=EvidenceSource.REPORT) for i in range(deploy_cues)]}
    prototypes = {c: 0.0 for c in KNOWLEDGE} | {DEPLOY: deploy_prototype, CONFIG: config_prototype}
    return score_categories(cues, [], KNOWLEDGE, prototypes)


def lead(scores: list[CategoryScore]) -> float:
    return scores[0].score - scores[1].score


def test_thresholds_are_ordered() -> None:
    assert 0 < AGREEING_MARGIN < CONFIDENT_MARGIN


def test_cue_and_closest_prototype_agreeing_need_only_a_small_lead() -> None:
    scores = ranked(deploy_cues=1, deploy_prototype=0.52, config_prototype=0.5)
    assert scores[0].category is DEPLOY and AGREEING_MARGIN <= lead(scores) < CONFIDENT_MARGIN
    assert scores[0].agreed


def test_a_cue_alone_with_the_same_small_lead_is_not_sure() -> None:
    # The report reads most like configuration: only the cue points at deployment.
    scores = ranked(deploy_cues=1, deploy_prototype=0.45, config_prototype=0.5)
    assert scores[0].category is DEPLOY and AGREEING_MARGIN <= lead(scores) < CONFIDENT_MARGIN
    assert not scores[0].agreed


def test_a_cue_alone_with_a_large_lead_is_sure_and_runner_ups_never_are() -> None:
    scores = ranked(deploy_cues=2, deploy_prototype=0.45, config_prototype=0.5)
    assert scores[0].category is DEPLOY and lead(scores) >= CONFIDENT_MARGIN
    assert scores[0].agreed and not any(s.agreed for s in scores[1:])
