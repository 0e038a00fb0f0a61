"""Review queue, edit and fix modals, the ask-for-fix offer and an edited draft card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.blocks.runbook_drafts import approvers_label, build_runbook_draft_blocks, build_runbook_offer_blocks
from bot.blocks.runbook_forms import (
    EditTarget,
    FixTarget,
    build_runbook_edit_modal,
    build_runbook_fix_modal,
    edit_refusal,
)
from bot.blocks.runbook_review import MAX_LISTED, age_text, build_review_queue_blocks
from engine.runbooks.models import RunbookSections, RunbookStatus
from tests.bot.blocks.test_case_blocks import as_json
from tests.bot.blocks.test_runbook_draft_blocks import DRAFT
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
REVIEWERS = ("W333", "S0SRE")
EDITED = DRAFT.model_copy(update={"edited_by": "W222", "version": 2, "created_at": NOW - timedelta(hours=5)})
IMPORTED_DRAFT = DRAFT.model_copy(
    update={
        "id": 43,
        "title": "Kafka consumer lag",
        "status": RunbookStatus.DRAFT,
        "author": None,
        "case_ref": None,
        "created_at": NOW - timedelta(minutes=7),
    }
)


def action_ids(block: dict[str, object]) -> list[str]:
    elements = block["elements"]
    assert isinstance(elements, list)
    return [str(e["action_id"]) for e in elements]


def test_review_queue_lists_each_draft_with_who_may_approve_and_review_buttons() -> None:
    blocks = as_json(build_review_queue_blocks([IMPORTED_DRAFT, EDITED], REVIEWERS, NOW))

    assert "2 runbooks awaiting review" in str(blocks[0])
    first, second = str(blocks[1]), str(blocks[3])
    assert "RB-0043 · Kafka consumer lag* (draft)" in first and "7 min ago" in first
    assert "RB-0042" in second and "by <@W111> · from FM-7 · 5 h ago · ✏️ edited by <@W222>" in second
    assert "May approve: <@W333>, <!subteam^S0SRE> (not <@W111> or <@W222>)" in second
    actions = action_ids(blocks[2])
    assert actions == ["fm_runbook_view", "fm_runbook_approve", "fm_runbook_edit", "fm_runbook_reject"]
    assert_matches_snapshot(SNAPSHOTS, "runbook_review_queue", blocks)


def test_review_queue_says_when_nothing_waits_and_caps_a_long_list() -> None:
    empty = as_json(build_review_queue_blocks([], (), NOW))
    many = [DRAFT.model_copy(update={"id": n}) for n in range(1, MAX_LISTED + 4)]

    capped = as_json(build_review_queue_blocks(many, (), NOW))

    assert "No runbooks are awaiting review" in str(empty)
    assert len(capped) == 1 + 2 * MAX_LISTED + 1 <= 50
    assert "…and 3 older: RB-0016, RB-0017, RB-0018" in str(capped[-1])


def test_who_may_approve_reads_naturally() -> None:
    assert approvers_label(DRAFT) == "anyone but <@W111>"
    assert approvers_label(EDITED, ("W333",)) == "<@W333> (not <@W111> or <@W222>)"
    assert age_text(NOW - timedelta(seconds=20), NOW) == "just now"
    assert age_text(NOW - timedelta(days=3), NOW) == "3 d ago"


def test_edit_modal_is_prefilled_with_title_and_five_sections() -> None:
    view = build_runbook_edit_modal(EDITED, EditTarget(runbook_id=42, channel_id="C111")).to_dict()

    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert view["callback_id"] == "fm_runbook_edit_modal"
    assert blocks["fm_rb_edit_title"]["element"]["initial_value"] == "Checkout pods OOMKilled"
    assert blocks["fm_rb_edit_root_cause"]["element"]["initial_value"] == "bad memory limit in v42"
    assert "initial_value" not in blocks["fm_rb_edit_prevention"]["element"]
    assert blocks["fm_rb_edit_prevention"]["optional"] is True
    assert blocks["fm_rb_edit_problem_summary"]["optional"] is False
    assert_matches_snapshot(SNAPSHOTS, "runbook_edit_modal", view)


def test_only_runbooks_awaiting_review_and_within_slack_limits_can_be_edited() -> None:
    approved = DRAFT.model_copy(update={"status": RunbookStatus.ACTIVE, "reviewer": "W333"})
    huge = DRAFT.model_copy(update={"sections": RunbookSections(problem_summary="x" * 3001)})

    assert edit_refusal(DRAFT) is None
    assert edit_refusal(approved) == (
        "RB-0042 was already approved by <@W333> and is live, so it can't be edited from this card."
    )
    assert "Problem summary is longer than a Slack form can hold" in (edit_refusal(huge) or "")
    assert edit_refusal(None) == "That runbook no longer exists."


def test_fix_modal_asks_for_root_cause_and_fix() -> None:
    view = build_runbook_fix_modal(FixTarget(case_id=7, channel_id="C0INCIDENTS"), "FM-7").to_dict()

    assert view["callback_id"] == "fm_runbook_fix_modal" and view["title"]["text"] == "Runbook from FM-7"
    assert [b["block_id"] for b in view["blocks"]] == ["fm_rb_fix_cause", "fm_rb_fix_fix"]
    assert_matches_snapshot(SNAPSHOTS, "runbook_fix_modal", view)


def test_offer_for_a_source_resolved_case_asks_for_the_fix_first() -> None:
    blocks = as_json(build_runbook_offer_blocks(7, ask_for_fix=True))

    assert action_ids(blocks[1]) == ["fm_runbook_create_ask", "fm_runbook_decline"]
    assert_matches_snapshot(SNAPSHOTS, "runbook_offer_ask", blocks)


def test_edited_draft_card_shows_the_editor_the_note_and_configured_reviewers() -> None:
    blocks = as_json(
        build_runbook_draft_blocks(EDITED, REVIEWERS, note="Drafted by Claude from this case only.")
    )

    texts = [str(b) for b in blocks]
    assert any("ℹ️ Drafted by Claude from this case only." in t for t in texts)
    assert any("✏️ Edited by <@W222>" in t for t in texts)
    assert "may approve: <@W333>, <!subteam^S0SRE> (not <@W111> or <@W222>)" in texts[-2]
    assert action_ids(blocks[-1]) == [
        "fm_runbook_approve",
        "fm_runbook_edit",
        "fm_runbook_reject",
    ]
    assert_matches_snapshot(SNAPSHOTS, "runbook_draft_edited", blocks)
