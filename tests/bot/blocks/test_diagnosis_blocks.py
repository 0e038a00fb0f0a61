"""The diagnosis message: compact enough for one laptop screen, everything else in the Details modal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from bot.blocks.diagnosis import build_diagnosis_blocks, build_followup_blocks
from bot.blocks.diagnosis_details import build_details_loading_modal, build_diagnosis_details_modal
from engine.case_facts import CaseFacts
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
from tests.block_text import text_lines
from tests.bot.blocks.test_case_blocks import as_json
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
LONG_QUERY = (
    'psql -c "SELECT pid, usename, application_name, state, now()-xact_start AS age FROM pg_stat_activity '
    "WHERE state LIKE 'idle in%' ORDER BY age DESC LIMIT 20;\""
)

DIAGNOSIS = Diagnosis(
    summary="Looks like: Container killed for exceeding its memory limit (OOMKilled).",
    category=Category.RESOURCE_EXHAUSTION,
    severity=Severity.HIGH,
    hypotheses=[
        Hypothesis(
            cause="Memory limit below the working set",
            confidence=0.62,
            observed=[
                Observation(quote="Reason: OOMKilled <now>", source=EvidenceSource.LOG_LINE, author="W111"),
                Observation(quote="exit code 137", source=EvidenceSource.REPORT, author="W111"),
            ],
            checks=["kubectl describe pod <pod> -n <ns>", "kubectl top pod -n <ns>"],
            rules_out=["memory well under the limit at the time of the kill"],
        ),
        Hypothesis(
            cause="Leak introduced by the 14:00 deploy", confidence=0.25, checks=["kubectl rollout history"]
        ),
        Hypothesis(cause="Noisy neighbour on the node", confidence=0.08, checks=[LONG_QUERY]),
        Hypothesis(cause="Kernel OOM killer on the host", confidence=0.05, checks=["dmesg -T | grep -i oom"]),
    ],
    next_steps=["Compare memory before and after the deploy"],
    recommended_actions=[
        RecommendedAction(
            title="Roll back the deploy",
            command="kubectl rollout undo deployment/<name> -n <ns>",
            target="deployment/<name>",
            risk=RiskLevel.MEDIUM,
            rollback="kubectl rollout undo deployment/<name> -n <ns>",
        ),
        RecommendedAction(
            title="Raise the memory limit",
            command="kubectl set resources deployment/<name> -n <ns> --limits=memory=<limit>",
            risk=RiskLevel.LOW,
        ),
        RecommendedAction(title="Terminate idle sessions", command=LONG_QUERY, target="database/<db>"),
        RecommendedAction(title="Add a node", command="terraform apply", risk=RiskLevel.HIGH),
    ],
    questions=["Did memory use change after the deploy?"],
)
FACTS = CaseFacts(service="checkout", namespace="payments", environment="production")


def test_first_diagnosis_fits_one_laptop_screen() -> None:
    blocks = as_json(build_diagnosis_blocks("FM-12", DIAGNOSIS, case_id=12, facts=FACTS))
    text = json.dumps(blocks, ensure_ascii=False)
    lines = text_lines(blocks)

    # Headline, three causes with their confidence and what was seen, three checks, three actions.
    assert "Looks like: Container killed" in text
    assert "*1.* Memory limit below the working set · *62%* · seen `Reason: OOMKilled &lt;now&gt;`" in text
    assert "Leak introduced" in text and "Noisy neighbour" in text and "Kernel OOM" not in text
    assert "nothing seen yet" in text
    assert text.count("fm_action_run") == 3 and "Add a node" not in text
    # Measured: at ~20 px a line plus block padding, this stays under ~600 px (a 768 px laptop's thread pane).
    assert len(lines) <= 18, lines
    assert len(blocks) <= 10
    assert all(len(line) <= 200 for line in lines), "one line each: long commands are clipped"
    assert "exit code 137" not in text and "rules out" not in text.lower(), (
        "evidence beyond the first: Details"
    )
    assert "Did memory use change" not in text
    assert_matches_snapshot(SNAPSHOTS, "diagnosis", blocks)


def test_the_three_best_checks_are_each_cause_first_check_in_rank_order() -> None:
    text = str(as_json(build_diagnosis_blocks("FM-12", DIAGNOSIS, facts=FACTS)))

    assert "kubectl describe pod &lt;pod&gt; -n payments" in text
    assert "kubectl rollout history" in text
    assert "SELECT pid, usename" in text and "…" in text, "the third, clipped to one line"
    assert "kubectl top pod" not in text and "Compare memory" not in text


def test_recommended_actions_show_targets_filled_from_the_case_and_mark_what_is_unknown() -> None:
    text = str(as_json(build_diagnosis_blocks("FM-12", DIAGNOSIS, case_id=12, facts=FACTS)))

    assert '*Roll back the deploy* · medium risk · on `deployment/checkout`"' in text.replace("'", '"')
    # An unknown value only the command needs is named; one in the shown target is marked there.
    assert "*Raise the memory limit* · low risk · on `checkout` · ✏️ _fill in_ `&lt;limit&gt;`" in text
    assert "on `database/&lt;db&gt;` · ✏️ _fill in_" in text and "`&lt;db&gt;`" not in text
    assert "&lt;name&gt;" not in text and "&lt;ns&gt;" not in text
    # The commands themselves wait in the Run… modal and in Details.
    assert "kubectl rollout undo" not in text


def test_details_shows_each_action_command_filled_from_the_case() -> None:
    text = json.dumps(build_diagnosis_details_modal("FM-12", DIAGNOSIS, FACTS).to_dict(), ensure_ascii=False)

    assert "`kubectl rollout undo deployment/checkout -n payments`" in text
    assert "--limits=memory=&lt;limit&gt;` · " not in text and "✏️ _fill in_ `&lt;limit&gt;`" not in text


def test_run_buttons_carry_the_stored_action_key_and_a_details_button_the_case() -> None:
    blocks = as_json(build_diagnosis_blocks("FM-12", DIAGNOSIS, case_id=12, facts=FACTS))
    buttons = [cast(dict[str, Any], b["accessory"]) for b in blocks if isinstance(b.get("accessory"), dict)]
    runs = [b["value"] for b in buttons if b["action_id"] == "fm_action_run"]
    details = [(b["value"], b["text"]["text"]) for b in buttons if b["action_id"] == "fm_diagnosis_details"]

    assert runs == [f"12:{a.key}" for a in DIAGNOSIS.recommended_actions[:3]]
    # Details sits beside the headline: no row of its own.
    assert details == [("12", "Details")] and blocks[0]["accessory"] == buttons[0]
    assert all(b["type"] != "actions" for b in blocks)


def test_followup_shows_only_what_changed_and_what_is_new() -> None:
    updated = DIAGNOSIS.model_copy(
        update={
            "changes": ["↑ Memory limit below the working set: 40% → 62%"],
            "next_steps": ["Compare memory before and after the deploy", "Check the JVM flags"],
            "recommended_actions": [
                *DIAGNOSIS.recommended_actions[:1],
                RecommendedAction(
                    title="Restart the pods", command="kubectl rollout restart deployment/<name>"
                ),
            ],
        }
    )

    blocks = as_json(build_followup_blocks("FM-12", updated, previous=DIAGNOSIS, case_id=12, facts=FACTS))
    text = json.dumps(blocks, ensure_ascii=False)

    assert "Updated diagnosis for FM-12" in text and "40% → 62%" in text
    assert "Check the JVM flags" in text and "kubectl describe pod" not in text
    assert "Looks like" not in text, "the headline did not change: not repeated"
    assert "*Restart the pods* · medium risk · on `checkout`" in text
    # The older message loses its Run… buttons, so a still-recommended action keeps one here, in one line.
    assert "Roll back the deploy* · medium risk · _still recommended_" in text
    assert "kubectl rollout undo" not in text
    assert text.count("fm_action_run") == 2 and "fm_diagnosis_details" in text
    assert len(text_lines(blocks)) <= 10
    assert_matches_snapshot(SNAPSHOTS, "diagnosis_follow_up", blocks)


def test_followup_without_a_previous_diagnosis_is_the_first_diagnosis() -> None:
    text = str(as_json(build_followup_blocks("FM-12", DIAGNOSIS, previous=None, facts=FACTS)))

    assert "Diagnosis for FM-12" in text and "Roll back the deploy" in text


def test_details_modal_holds_everything_the_message_leaves_out() -> None:
    view = build_diagnosis_details_modal("FM-12", DIAGNOSIS, FACTS)
    view.validate_json()
    data = view.to_dict()
    text = json.dumps(data, ensure_ascii=False)

    assert "Kernel OOM killer on the host" in text and "Add a node" in text
    assert "Seen: `exit code 137` in the report by <@W111>" in text
    assert "Would confirm: `kubectl top pod -n payments`" in text
    assert "Would rule it out: memory well under the limit" in text
    assert LONG_QUERY.replace('"', '\\"').replace("'", "'") in text.replace("&lt;", "<").replace("&gt;", ">")
    assert "_Rollback:_ kubectl rollout undo deployment/checkout -n payments" in text
    assert "Did memory use change after the deploy?" in text
    assert "Engine: offline" in text and "namespace `payments`" in text
    assert_matches_snapshot(SNAPSHOTS, "diagnosis_details_modal", data)


def test_details_loading_view_is_small_and_valid() -> None:
    view = build_details_loading_modal("FM-12")
    view.validate_json()

    assert "Loading the diagnosis of FM-12" in str(view.to_dict())


def test_huge_text_is_trimmed_to_slack_limits() -> None:
    long = DIAGNOSIS.model_copy(update={"summary": "x" * 5000, "note": "y" * 5000})

    for block in build_diagnosis_blocks("FM-1", long, case_id=1):
        block.validate_json()
    build_diagnosis_details_modal("FM-1", long, None).validate_json()


def test_degraded_answer_shows_its_note() -> None:
    degraded = DIAGNOSIS.model_copy(update={"note": "Claude is unavailable, so the offline engine answered."})

    assert "⚠️ Claude is unavailable" in str(as_json(build_diagnosis_blocks("FM-12", degraded)))
