"""Edit a drafted runbook in a modal, through the real signed app and worker."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.runbooks.runbook_helpers import opened_view, press, submit
from tests.jobs.runbooks.test_runbook_drafts import REPORT, draft_card
from tests.jobs.runbooks.test_runbook_reviews import drafted, ephemerals_to

NEW_CAUSE = "The v42 chart set the ledger's memory limit to 256Mi"


def test_edit_opens_a_prefilled_modal_and_saving_bumps_the_version_and_updates_the_card(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    runbook_id, root_ts = drafted(web, services, runbook_library, run_jobs)
    card = draft_card(slack, root_ts)
    assert "fm_runbook_edit" in json.dumps(card["blocks"])

    press(web, "fm_runbook_edit", str(runbook_id), user="W222")

    view = opened_view(slack)
    prefilled = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert view["callback_id"] == "fm_runbook_edit_modal"
    assert prefilled["fm_rb_edit_title"] == REPORT and prefilled["fm_rb_edit_root_cause"] == (
        "bad memory limit in v42"
    )

    refused = submit(web, view, {"fm_rb_edit_title": "  ", "fm_rb_edit_problem_summary": ""}, user="W222")
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"fm_rb_edit_title", "fm_rb_edit_problem_summary"}

    assert submit(web, view, {"fm_rb_edit_root_cause": NEW_CAUSE}, user="W222") == {}
    submit(web, view, {"fm_rb_edit_root_cause": NEW_CAUSE}, user="W222")  # Slack's retry: saved once
    run_jobs()

    edited = runbook_library.get(runbook_id)
    assert edited is not None and edited.sections.root_cause == NEW_CAUSE
    assert (edited.version, edited.source.value, edited.status.value) == (2, "edited", "pending_review")
    assert edited.edited_by == "W222" and edited.author == "W111"
    blocks = json.dumps(slack.messages[str(card["ts"])]["blocks"], ensure_ascii=False)
    assert "✏️ Edited by <@W222>" in blocks and NEW_CAUSE in blocks
    assert "may approve: anyone but <@W111> or <@W222>" in blocks
    assert runbook_id not in [r.runbook.id for r in runbook_library.search(NEW_CAUSE, k=10)]
    assert job_context.audit is not None
    assert [r.kind for r in job_context.audit.for_case(1)].count("runbook_edited") == 1

    press(web, "fm_runbook_approve", str(runbook_id), user="W222")  # the editor
    run_jobs()
    [refusal] = ephemerals_to(slack, "W222")
    assert "You edited" in str(refusal["text"]) and "someone else needs to approve" in str(refusal["text"])

    press(web, "fm_runbook_approve", str(runbook_id), user="W333")
    run_jobs()
    approved = runbook_library.get(runbook_id)
    assert approved is not None and approved.status.value == "active"
    assert runbook_id in [r.runbook.id for r in runbook_library.search(NEW_CAUSE, k=3)]


def test_editing_a_reviewed_runbook_from_an_old_card_or_an_open_modal_is_refused_politely(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    runbook_id, _ = drafted(web, services, runbook_library, run_jobs)
    press(web, "fm_runbook_edit", str(runbook_id), user="W222")
    stale_modal = opened_view(slack)
    press(web, "fm_runbook_approve", str(runbook_id), user="W333")
    run_jobs()

    press(web, "fm_runbook_edit", str(runbook_id), user="W444")
    submit(web, stale_modal, {"fm_rb_edit_root_cause": NEW_CAUSE}, user="W222", view_id="V0STALE")
    run_jobs()

    assert len(slack.calls_to("views.open")) == 1
    [from_card] = ephemerals_to(slack, "W444")
    assert "already approved by <@W333> and is live, so it can't be edited" in str(from_card["text"])
    [from_modal] = ephemerals_to(slack, "W222")
    assert "was approved by <@W333> before your edit arrived, so it was not saved" in str(from_modal["text"])
    kept = runbook_library.get(runbook_id)
    assert kept is not None and kept.version == 1 and kept.sections.root_cause == "bad memory limit in v42"


def test_edit_from_the_review_queue_confirms_the_save_to_the_editor(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    runbook_id, _ = drafted(web, services, runbook_library, run_jobs)

    press(web, "fm_runbook_edit", str(runbook_id), user="W222", channel="C999", ephemeral=True)
    submit(web, opened_view(slack), {"fm_rb_edit_title": "Ledger sync stalls"}, user="W222")
    run_jobs()

    [confirmation] = ephemerals_to(slack, "W222")
    assert confirmation["channel"] == "C999"
    assert confirmation["text"] == f"✏️ Saved your edit to RB-{runbook_id:04d} (v2); it still needs a review."
