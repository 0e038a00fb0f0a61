"""Runbook jobs through a real RQ worker against the fake Slack Web API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.services import Services
from engine.runbooks.models import RunbookSource
from jobs.cases.intake import NewCaseRequest
from jobs.runbooks.library import RunbookLibrary
from jobs.runbooks.suggestions import share_runbook
from jobs.runtime import JobContext
from tests.fakes.slack_api import FakeSlackApi


def test_new_case_gets_similar_runbook_in_its_thread_once(
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    result = services.intake.open_case(
        NewCaseRequest(
            dedupe_key="slash:rb1",
            source="slash",
            channel_id="C111",
            reporter_id="W111",
            text="redis on cache-01 rejects writes: OOM command not allowed when used memory > maxmemory",
        )
    )

    run_jobs()
    from jobs.cases.diagnosis import diagnose_case

    diagnose_case(result.case_id)  # a re-run updates the suggestion instead of posting it again

    case = services.cases.get(result.case_id)
    assert case is not None and case.root_ts is not None
    suggestions = [m for m in slack.thread("C111", case.root_ts) if "Similar runbook" in str(m["blocks"])]
    assert len(suggestions) == 1
    assert "Redis rejects writes" in str(suggestions[0]["blocks"])
    assert "fm_runbook_share" in str(suggestions[0]["blocks"])
    redis = runbook_library.search("redis OOM command not allowed", k=1)[0].runbook
    assert redis.times_suggested == 1


def test_import_records_paths_relative_to_the_folder_and_updates_on_reimport(
    runbook_library: RunbookLibrary, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "db").mkdir(parents=True)
    (corpus / "db" / "ReplicaLagging.md").write_text("# ReplicaLagging\n## Meaning\nreplica behind\n")
    (corpus / "SOURCE.md").write_text("# not a runbook\n")

    first = runbook_library.import_folder(corpus)
    (corpus / "db" / "ReplicaLagging.md").write_text("# ReplicaLagging\n## Meaning\nreplica far behind\n")
    second = runbook_library.import_folder(corpus)

    assert len(first.created) == 1 and len(second.updated) == 1 and not second.created
    runbook = runbook_library.get(first.created[0])
    assert runbook is not None
    assert runbook.source_path == "db/ReplicaLagging.md"
    assert runbook.source is RunbookSource.IMPORTED
    assert runbook.version == 2
    assert runbook_library.search("replica far behind", k=1)[0].runbook.id == runbook.id


def test_share_posts_a_card_with_view_button(
    slack: FakeSlackApi, job_context: JobContext, runbook_library: RunbookLibrary
) -> None:
    job_context.runbooks = runbook_library
    runbook = runbook_library.search("kafka consumer lag growing", k=1)[0].runbook

    result = share_runbook("C222", "W111", runbook.id)

    post = slack.calls_to("chat.postMessage")[0].params
    assert post["channel"] == "C222"
    assert runbook.title[:40] in str(post["blocks"])
    assert "fm_runbook_view" in str(post["blocks"])
    assert result["runbook"] == runbook.ref
