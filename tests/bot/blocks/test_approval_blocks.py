"""Approval builders: the card while pending and once decided, the result with its buttons, the modals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.blocks.action_results import ActionOutcome, build_action_outcome_blocks
from bot.blocks.approvals import (
    ProposalCard,
    approval_card_text,
    build_approval_card_blocks,
    build_approval_info_modal,
)
from bot.blocks.deny import DenyMetadata, build_deny_modal
from bot.blocks.propose import build_propose_modal
from engine.models import EvidenceSource, Observation
from tests.bot.blocks.test_case_blocks import as_json
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
ASKED = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CARD = ProposalCard(
    proposal_id=3,
    case_ref="FM-12",
    action="restart_api",
    target="checkout-7",
    parameters={"replicas": "3"},
    command="kubectl rollout restart deploy/checkout",
    risk="high",
    rollback="kubectl rollout undo deploy/checkout",
    rollback_runnable=True,
    reason="OOM loop after v42",
    requester="W1",
    policy="hard · 2 approvers · rule two-person-restart",
    level="hard",
    status="pending",
    approvals=["W2"],
    needed=2,
    approvers=["W0SRE1", "S0SRE"],
    timeout_seconds=300,
    expires_at=ASKED + timedelta(minutes=5),
)


def test_pending_card_shows_everything_needed_to_decide_and_the_buttons() -> None:
    blocks = as_json(build_approval_card_blocks(CARD))
    text = str(blocks)

    for fact in (
        "checkout-7",
        "replicas",
        "high",
        "<@W1>",
        "two-person-restart",
        "1 of 2",
        "<!subteam^S0SRE>",
    ):
        assert fact in text
    assert "rollout undo" in text and "OOM loop after v42" in text and "auto-denies" in text
    assert "fm_approval_approve" in text and "fm_approval_deny" in text and "fm_approval_info" in text
    assert_matches_snapshot(SNAPSHOTS, "approval_card_pending", blocks)


def test_decided_cards_lose_their_vote_buttons_and_say_what_happened() -> None:
    denied = str(
        as_json(build_approval_card_blocks(CARD.model_copy(update={"status": "denied", "decided_by": "W4"})))
    )
    expired = str(as_json(build_approval_card_blocks(CARD.model_copy(update={"status": "expired"}))))
    done = as_json(
        build_approval_card_blocks(
            CARD.model_copy(update={"status": "succeeded", "approvals": ["W2", "W3"], "dry_run": False})
        )
    )

    assert "Denied by <@W4>" in denied and "fm_approval_approve" not in denied
    assert "Expired: nobody decided within 5 min" in expired and "fm_approval_deny" not in expired
    assert "approved by <@W2>, <@W3>" in str(done) and "fm_approval_info" in str(done)
    assert_matches_snapshot(SNAPSHOTS, "approval_card_succeeded", done)


def test_result_offers_undo_inside_the_window_then_roll_back() -> None:
    outcome = ActionOutcome(
        proposal_id=3,
        case_ref="FM-12",
        action="flush_cache",
        target="cache-01",
        ok=True,
        executor="webhook",
        dry_run=False,
        summary="Accepted by automation (run-7)",
        can_roll_back=True,
        undo_until=ASKED + timedelta(minutes=2),
        ask_if_fixed=True,
    )

    inside = as_json(build_action_outcome_blocks(outcome, now=ASKED))
    after = str(as_json(build_action_outcome_blocks(outcome, now=ASKED + timedelta(minutes=3))))

    assert "fm_action_undo" in str(inside) and "Did it fix it?" in str(inside)
    assert "fm_action_undo" not in after and "fm_action_rollback" in after
    assert_matches_snapshot(SNAPSHOTS, "action_result_with_undo", inside)


def test_more_info_and_propose_modals() -> None:
    seen = Observation(quote="OOMKilled 14 times", source=EvidenceSource.REPORT, author="W1")
    info = build_approval_info_modal(CARD, ["memory limit too low (70%)"], [seen]).to_dict()
    propose = build_propose_modal("C111", "FM-12", "restart_api", "checkout-7").to_dict()

    assert "memory limit too low" in str(info) and "OOMKilled 14 times" in str(info)
    assert_matches_snapshot(SNAPSHOTS, "approval_info_modal", info)
    assert_matches_snapshot(SNAPSHOTS, "propose_modal", propose)


def test_a_pending_card_mentions_who_may_approve_and_prose_rollback_is_guidance() -> None:
    card = CARD.model_copy(
        update={"notify": ["S0ONCALL"], "rollback": "n/a (clients <reconnect>)", "rollback_runnable": False}
    )

    text = str(as_json(build_approval_card_blocks(card)))

    assert "<!subteam^S0ONCALL>: your approval is needed" in text
    assert (
        "*Rollback guidance* (for people; not runnable from Slack)\\nn/a (clients &lt;reconnect&gt;)" in text
    )
    assert "approval needed from <!subteam^S0ONCALL>" in approval_card_text(card)


def test_a_finished_dry_run_card_says_nothing_was_executed() -> None:
    text = str(as_json(build_approval_card_blocks(CARD.model_copy(update={"status": "succeeded"}))))

    assert "Dry run finished: nothing was executed" in text and "Done" not in text


def test_deny_modal_asks_an_optional_reason_and_carries_the_card() -> None:
    view = build_deny_modal(
        DenyMetadata(proposal_id=3, channel_id="C111", message_ts="1700.1", click_ts="1800.2")
    )
    view.validate_json()
    data = view.to_dict()

    reason = next(b for b in data["blocks"] if b["type"] == "input")
    assert reason["optional"] is True and reason["block_id"] == "fm_approval_deny_reason"
    assert DenyMetadata.model_validate_json(data["private_metadata"]).message_ts == "1700.1"
    assert_matches_snapshot(SNAPSHOTS, "deny_modal", data)
