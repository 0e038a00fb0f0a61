"""`/faultmaven runbook review` and configurable reviewers, through the real signed app and worker."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.runbooks import RunbookFields
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.runbooks.runbook_helpers import press, slash
from tests.jobs.runbooks.test_runbook_drafts import click, draft_card, resolved_case


def drafted(
    web: TestClient, services: Services, library: RunbookLibrary, run_jobs: Callable[[], None]
) -> tuple[int, str]:
    """A case resolved in Slack and a runbook drafted from it by W111; returns its id and thread."""
    root_ts = resolved_case(web, services, run_jobs)
    click(web, "fm_runbook_create", "1", user="W111")
    run_jobs()
    return library.repo.count(), root_ts


def ephemerals_to(slack: FakeSlackApi, user: str) -> list[dict[str, object]]:
    return [c.params for c in slack.calls_to("chat.postEphemeral") if c.params["user"] == user]


def test_review_command_lists_drafts_newest_first_with_who_may_approve(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    first, _ = drafted(web, services, runbook_library, run_jobs)
    newer = runbook_library.repo.create(
        RunbookFields(title="Kafka consumer lag", status="draft", source="imported", author="W555")
    )

    response = slash(web, "runbook review", user="W777")
    run_jobs()

    assert response.text == ""  # acked quietly; the list arrives from the worker
    [answer] = ephemerals_to(slack, "W777")
    blocks = json.dumps(answer["blocks"], ensure_ascii=False)
    assert blocks.index(f"RB-{newer.id:04d} · Kafka consumer lag") < blocks.index(f"RB-{first:04d}")
    assert "May approve: anyone but <@W111>" in blocks and "by <@W555>" in blocks
    assert "from FM-1" in blocks and "just now" in blocks
    for action in ("fm_runbook_view", "fm_runbook_approve", "fm_runbook_edit", "fm_runbook_reject"):
        assert action in blocks
    assert "RB-0001 ·" not in blocks, "active library runbooks are not listed"


def test_configured_reviewers_and_group_members_approve_and_others_are_told_who_may(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    job_context.runbook_reviewers = ("W333", "S0SRE")
    slack.usergroups["S0SRE"] = ["W444"]
    runbook_id, root_ts = drafted(web, services, runbook_library, run_jobs)
    card = draft_card(slack, root_ts)
    assert "may approve: <@W333>, <!subteam^S0SRE> (not <@W111>)" in json.dumps(card["blocks"])

    press(web, "fm_runbook_approve", str(runbook_id), user="W222", ephemeral=True)
    press(web, "fm_runbook_reject", str(runbook_id), user="W222", ephemeral=True)
    run_jobs()

    refusals = [str(p["text"]) for p in ephemerals_to(slack, "W222")]
    assert len(refusals) == 2 and all("May approve: <@W333>, <!subteam^S0SRE>" in t for t in refusals)
    assert "Only designated reviewers may approve" in refusals[0]
    pending = runbook_library.get(runbook_id)
    assert pending is not None and pending.status.value == "pending_review"

    press(web, "fm_runbook_approve", str(runbook_id), user="W444", ephemeral=True)
    run_jobs()

    approved = runbook_library.get(runbook_id)
    assert approved is not None and approved.status.value == "active" and approved.reviewer == "W444"
    assert [str(p["text"]) for p in ephemerals_to(slack, "W444")] == [
        f"✅ RB-{runbook_id:04d} approved — it is now searchable."
    ]
    assert "✅ Approved by <@W444>" in json.dumps(
        slack.messages[str(card["ts"])]["blocks"], ensure_ascii=False
    )
    assert [c.params["usergroup"] for c in slack.calls_to("usergroups.users.list")] == ["S0SRE"] * 3


def test_the_author_may_withdraw_a_draft_even_when_reviewers_are_configured(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    job_context.runbook_reviewers = ("W333",)
    runbook_id, _ = drafted(web, services, runbook_library, run_jobs)

    press(web, "fm_runbook_approve", str(runbook_id), user="W111")
    press(web, "fm_runbook_reject", str(runbook_id), user="W111")
    run_jobs()

    [refusal] = ephemerals_to(slack, "W111")
    assert "You drafted" in str(refusal["text"]) and "May approve: <@W333> (not <@W111>)" in str(
        refusal["text"]
    )
    rejected = runbook_library.get(runbook_id)
    assert rejected is not None and rejected.status.value == "archived"
