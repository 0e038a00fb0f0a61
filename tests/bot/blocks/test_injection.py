"""Hostile text through every builder: mentions, channel pings and links arrive as literal, escaped once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.action_results import ActionOutcome, action_outcome_text, build_action_outcome_blocks
from bot.blocks.approvals import (
    ProposalCard,
    approval_card_text,
    build_approval_card_blocks,
    build_approval_info_modal,
)
from bot.blocks.case import CardLink, CaseCard, build_case_root_blocks, case_root_text
from bot.blocks.diagnosis import build_diagnosis_blocks, build_followup_blocks, diagnosis_text
from bot.blocks.diagnosis_details import build_diagnosis_details_modal
from bot.blocks.mrkdwn import escape
from bot.blocks.report import build_usage_blocks
from bot.blocks.runbook_drafts import build_runbook_draft_blocks, draft_card_text
from bot.blocks.runbook_feedback import FeedbackLine, build_runbook_feedback_blocks
from bot.blocks.runbook_review import build_review_queue_blocks
from bot.blocks.runbooks import (
    RunbookHit,
    build_runbook_modal,
    build_search_result_blocks,
    build_shared_card_blocks,
    build_suggestion_blocks,
    shared_card_text,
    suggestions_text,
    to_mrkdwn,
)
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
from engine.runbooks.models import Runbook, RunbookSections

# What a user, an alert, a runbook or the LLM might send to ping, impersonate or phish.
HOSTILE = "<!channel> <!here> <@U0EVIL> <#C0EVIL> <http://evil.example|docs> & co"
RAW = ("<!channel", "<!here", "<@U0EVIL", "<#C0EVIL", "<http://evil")
SHOWN = (
    "&lt;!channel&gt; &lt;!here&gt; &lt;@U0EVIL&gt; &lt;#C0EVIL&gt; &lt;http://evil.example|docs&gt; &amp; co"
)

RUNBOOK = Runbook(
    id=7,
    title=HOSTILE,
    version=1,
    sections=RunbookSections(
        problem_summary=HOSTILE,
        diagnosis_steps=f"1. {HOSTILE}",
        root_cause=HOSTILE,
        solution=f"### {HOSTILE}\n[{HOSTILE}](https://example.com)",
        prevention=HOSTILE,
    ),
    case_ref="FM-1",
)
DIAGNOSIS = Diagnosis(
    summary=HOSTILE,
    category=Category.RESOURCE_EXHAUSTION,
    severity=Severity.HIGH,
    hypotheses=[
        Hypothesis(
            cause=HOSTILE,
            confidence=0.5,
            observed=[Observation(quote=HOSTILE, source=EvidenceSource.MESSAGE, author="W1")],
            checks=[HOSTILE],
        )
    ],
    next_steps=[HOSTILE],
    recommended_actions=[
        RecommendedAction(
            title=HOSTILE, command=HOSTILE, target=HOSTILE, risk=RiskLevel.LOW, rollback=HOSTILE
        )
    ],
    questions=[HOSTILE],
    note=HOSTILE,
    changes=[HOSTILE],
)
CARD = ProposalCard(
    proposal_id=3,
    case_ref="FM-1",
    action=HOSTILE,
    target=HOSTILE,
    parameters={"reason": HOSTILE},
    command=HOSTILE,
    risk="high",
    rollback=HOSTILE,
    reason=HOSTILE,
    requester="W1",
    policy=HOSTILE,
    level="hard",
    status="denied",
    decided_by=HOSTILE,
    approvals=[],
    needed=1,
    approvers=[],
    timeout_seconds=60,
)
OUTCOME = ActionOutcome(
    proposal_id=3,
    case_ref="FM-1",
    action=HOSTILE,
    target=HOSTILE,
    ok=True,
    executor=HOSTILE,
    dry_run=True,
    summary=HOSTILE,
    output=HOSTILE,
)
CASE = CaseCard(
    ref="FM-1",
    title=HOSTILE,
    reporter_id="W1",
    status="investigating",
    severity="high",
    service=HOSTILE,
    reporter_label=HOSTILE,
    incident_status=HOSTILE,
    acknowledged_by=HOSTILE,
    priority=HOSTILE,
    links=[CardLink(label=HOSTILE, url="https://example.com/x"), CardLink(label="ok", url=HOSTILE)],
)
HIT = RunbookHit(runbook=RUNBOOK, similarity=0.9)
# Names a report gave (service, namespace…) fill an action's placeholders: still someone else's text.
FACTS = CaseFacts(service=HOSTILE, namespace=HOSTILE, database=HOSTILE)
TEMPLATED = DIAGNOSIS.model_copy(
    update={
        "recommended_actions": [
            RecommendedAction(
                title="Restart",
                command="kubectl rollout restart deployment/<name> -n <ns>",
                target="database/<db>",
            )
        ]
    }
)
NOW = datetime(2026, 11, 29, tzinfo=UTC)

BUILT: dict[str, Any] = {
    "case root": build_case_root_blocks(CASE),
    "case root text": case_root_text(CASE),
    "diagnosis": build_diagnosis_blocks("FM-1", DIAGNOSIS, case_id=1),
    "follow-up": build_followup_blocks("FM-1", DIAGNOSIS, None),
    "follow-up, delta": build_followup_blocks("FM-1", DIAGNOSIS, Diagnosis(summary="before"), case_id=1),
    "diagnosis, filled from the case": build_diagnosis_blocks("FM-1", TEMPLATED, case_id=1, facts=FACTS),
    "diagnosis details modal": build_diagnosis_details_modal("FM-1", DIAGNOSIS, FACTS),
    "diagnosis details, filled": build_diagnosis_details_modal("FM-1", TEMPLATED, FACTS),
    "case root, diagnosed": build_case_root_blocks(CASE.model_copy(update={"diagnosis_headline": HOSTILE})),
    "diagnosis text": diagnosis_text("FM-1", DIAGNOSIS),
    "approval card": build_approval_card_blocks(CARD),
    "approval card, denied with a reason": build_approval_card_blocks(
        CARD.model_copy(update={"status": "denied", "deny_reason": HOSTILE})
    ),
    "approval text": approval_card_text(CARD),
    "approval info modal": build_approval_info_modal(
        CARD, [HOSTILE], [Observation(quote=HOSTILE, source=EvidenceSource.REPORT)], [("W2", HOSTILE)]
    ),
    "action outcome": build_action_outcome_blocks(OUTCOME),
    "action outcome text": action_outcome_text(OUTCOME),
    "usage": build_usage_blocks(HOSTILE),
    "runbook suggestions": build_suggestion_blocks([HIT]),
    "runbook suggestions text": suggestions_text([HIT]),
    "runbook search": build_search_result_blocks(HOSTILE, [HIT]),
    "runbook search, no hits": build_search_result_blocks(HOSTILE, []),
    "shared runbook": build_shared_card_blocks(RUNBOOK, "W1"),
    "shared runbook text": shared_card_text(RUNBOOK),
    "runbook modal": build_runbook_modal(RUNBOOK),
    "runbook draft": build_runbook_draft_blocks(RUNBOOK, note=HOSTILE),
    "runbook draft text": draft_card_text(RUNBOOK),
    "runbook review queue": build_review_queue_blocks([RUNBOOK], (), NOW),
    "runbook feedback": build_runbook_feedback_blocks(1, [FeedbackLine(runbook=RUNBOOK)]),
}


def rendered(built: Any) -> str:
    if isinstance(built, View):
        return json.dumps(built.to_dict(), ensure_ascii=False)
    if isinstance(built, list):
        return json.dumps([b.to_dict() if isinstance(b, Block) else b for b in built], ensure_ascii=False)
    return json.dumps(built, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(BUILT))
def test_hostile_text_is_shown_literally_by_every_builder(name: str) -> None:
    text = rendered(BUILT[name])

    assert [raw for raw in RAW if raw in text] == []
    assert "&lt;!channel&gt;" in text or "&lt;!channel" in text  # still shown, as text
    assert "&amp;lt;" not in text and "&amp;amp;" not in text  # escaped once, never twice


def test_escape_turns_the_three_control_characters_into_entities_once() -> None:
    assert escape(HOSTILE) == SHOWN
    assert escape("a && b") == "a &amp;&amp; b"
    assert escape("plain text, no markup") == "plain text, no markup"


def test_only_a_markdown_link_in_a_runbook_becomes_a_slack_link() -> None:
    assert to_mrkdwn("see [the docs](https://example.com/rb) <!channel>") == (
        "see <https://example.com/rb|the docs> &lt;!channel&gt;"
    )
    # A `|` would let the url pick the label Slack shows: left as text.
    assert to_mrkdwn("[docs](https://evil.example|safe)") == "[docs](https://evil.example|safe)"
