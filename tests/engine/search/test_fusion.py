"""Reciprocal rank fusion and the effectiveness boost."""

from __future__ import annotations

from engine.search.fusion import RRF_K, effectiveness_boost, reciprocal_rank_fusion
from engine.search.text import tokenize


def test_documents_ranked_well_by_both_lists_win() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])

    assert max(fused, key=lambda k: fused[k]) == "b"
    assert fused["a"] == 1 / (RRF_K + 1) + 1 / (RRF_K + 3)


def test_boost_is_light_and_rewards_what_worked() -> None:
    assert effectiveness_boost(0, 0) == 1.0
    assert 1.0 < effectiveness_boost(8, 7) < 1.06
    assert 0.9 < effectiveness_boost(5, 0) < 1.0


def test_tokenize_splits_camel_case_and_folds_plurals() -> None:
    assert tokenize("NodeRAIDDegraded: too many connections") == [
        "node",
        "raid",
        "degrad",
        "too",
        "many",
        "connection",
    ]
