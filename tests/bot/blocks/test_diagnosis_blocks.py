"""The diagnosis message: everything the engine said, within Slack's limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from bot.blocks.diagnosis import build_diagnosis_blocks, build_followup_blocks
from engine.models import (
    Category,
    Diagnosis,
    EvidenceSource,
    Hypothesis,
    Observation,
    RecommendedAction,
    RiskLevel,
    Severity,
)
from tests.bot.blocks.test_case_blocks import as_json
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"

DIAGNOSIS = Diagnosis(
    summary="Looks like: Container killed for exceeding its memory limit (OOMKilled).",
    category=Category.RESOURCE_EXHAUSTION,
    severity=Severity.HIGH,
    hypotheses=[
        Hypothesis(
            cause="Memory limit below the working set",
            confidence=0.62,
            observed=[
                Observation(quote="Reason: OOMKilled <now>", source=EvidenceSource.LOG_LINE, author="W111")
            ],
            checks=["kubectl describe pod <pod> -n <ns>"],
        ),
        Hypothesis(
            cause="Leak introduced by the 14:00 deploy", confidence=0.25, checks=["kubectl rollout history"]
        ),
    ],
    next_steps=["Compare memory before and after the deploy"],
    recommended_actions=[
        RecommendedAction(
            title="Roll back the deploy",
            command="kubectl rollout undo deploy/checkout",
            target="deploy/checkout",
            risk=RiskLevel.MEDIUM,
            rollback="kubectl rollout undo deploy/checkout",
        )
    ],
    questions=["Did memory use change after the deploy?"],
)


def test_diagnosis_blocks_show_hypotheses_checks_actions_and_questions() -> None:
    blocks = build_diagnosis_blocks("FM-12", DIAGNOSIS)
    for block in blocks:
        block.validate_json()
    rendered = [b.to_dict() for b in blocks]
    text = str(rendered)

    assert "62%" in text and "Memory limit below the working set" in text
    assert "kubectl describe pod" in text
    assert "medium risk" in text and "Rollback" in text
    assert "Did memory use change" in text
    assert_matches_snapshot(SNAPSHOTS, "diagnosis", rendered)


def test_huge_evidence_is_trimmed_to_slack_limits() -> None:
    long = DIAGNOSIS.model_copy(update={"summary": "x" * 5000})

    for block in build_diagnosis_blocks("FM-1", long):
        block.validate_json()


def test_degraded_follow_up_shows_the_note_and_what_changed() -> None:
    follow_up = DIAGNOSIS.model_copy(
        update={
            "note": "Claude is unavailable right now, so the offline knowledge engine answered.",
            "changes": ["↑ Memory limit below the working set: 40% → 62%"],
        }
    )

    blocks = build_diagnosis_blocks("FM-12", follow_up, heading="Updated diagnosis")
    for block in blocks:
        block.validate_json()
    text = str([b.to_dict() for b in blocks])

    assert "⚠️ Claude is unavailable right now" in text
    assert "*What changed*" in text and "40% → 62%" in text


def test_followup_shows_what_changed_and_only_new_checks_and_actions() -> None:
    updated = DIAGNOSIS.model_copy(
        update={
            "changes": ["“Memory limit below the working set” 40% → 62%"],
            "next_steps": ["Compare memory before and after the deploy", "Check the JVM flags"],
        }
    )

    text = str([b.to_dict() for b in build_followup_blocks("FM-12", updated, previous=DIAGNOSIS)])

    assert "Updated diagnosis for FM-12" in text and "What changed" in text and "40% → 62%" in text
    assert "Check the JVM flags" in text
    assert "Compare memory before and after the deploy" not in text
    assert "kubectl describe pod" not in text and "Roll back the deploy" not in text
    assert "62%" in text, "hypotheses are re-ranked and shown again"


def test_followup_without_a_previous_diagnosis_is_the_full_diagnosis() -> None:
    text = str([b.to_dict() for b in build_followup_blocks("FM-12", DIAGNOSIS, previous=None)])

    assert "Roll back the deploy" in text and "kubectl describe pod" in text


def test_each_recommended_action_gets_a_run_button_carrying_only_case_and_key() -> None:
    blocks = as_json(build_diagnosis_blocks("FM-12", DIAGNOSIS, case_id=12))
    accessories = [
        cast(dict[str, Any], b["accessory"]) for b in blocks if isinstance(b.get("accessory"), dict)
    ]
    buttons = [a for a in accessories if a["action_id"] == "fm_action_run"]

    assert [b["value"] for b in buttons] == [f"12:{a.key}" for a in DIAGNOSIS.recommended_actions[:4]]
    assert all(b["text"]["text"] == "Run…" for b in buttons)
    assert_matches_snapshot(SNAPSHOTS, "diagnosis_with_run_buttons", blocks)


def test_seen_lines_quote_the_case_escaped_apart_from_what_would_confirm() -> None:
    text = str([b.to_dict() for b in build_diagnosis_blocks("FM-1", DIAGNOSIS)])

    assert "Seen: `Reason: OOMKilled &lt;now&gt;` in a log line pasted by <@W111>" in text
    assert "Would confirm: `kubectl describe pod &lt;pod&gt; -n &lt;ns&gt;`" in text
    assert "<now>" not in text
