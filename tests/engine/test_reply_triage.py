"""Reply triage: rules settle the clear cases, the packaged sentence model the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.replies.evaluation import evaluate, load_messages
from engine.replies.triage import ReplyTriage, is_reopen_request
from tests.fakes.embedding import MemoEmbedder

EVAL = Path(__file__).resolve().parents[2] / "eval" / "thread"


@pytest.mark.parametrize(
    ("text", "addressed", "needs_update"),
    [
        ("thanks Bob 🙏", False, False),
        ("ack, joining", False, False),
        (":eyes: 👀", True, False),
        ("2024-05-02T14:05:11Z ERROR db pool exhausted", False, True),
        ("$ kubectl get pods -n shop", False, True),
        ("p99 is 2.4s, normally 200ms", False, True),
        ("anything else I should look at?", True, True),
    ],
)
def test_rules_decide_the_clear_cases_without_the_model(
    text: str, addressed: bool, needs_update: bool
) -> None:
    verdict = ReplyTriage(None).classify(text, addressed=addressed)

    assert verdict.needs_update is needs_update
    assert verdict.reason != "weak rules"


def test_model_tells_an_observation_from_coordination(embedder: MemoEmbedder) -> None:
    triage = ReplyTriage(embedder)

    seen = triage.classify("restarted it, no change")
    plan = triage.classify("let's sync on the bridge in ten minutes")

    assert (seen.needs_update, seen.reason) == (True, "model")
    assert (plan.needs_update, plan.reason) == (False, "model")


def test_held_out_thread_messages_meet_the_precision_and_recall_targets(embedder: MemoEmbedder) -> None:
    report = evaluate(ReplyTriage(embedder), load_messages(EVAL / "thread_test.jsonl"))

    assert report.cases >= 100
    assert report.precision >= 0.9 and report.recall >= 0.9, report.as_table("thread_test.jsonl")


def test_reopen_means_the_word_first_not_anywhere() -> None:
    assert is_reopen_request("reopen")
    assert is_reopen_request("re-open please")
    assert not is_reopen_request("we may have to reopen this later")
