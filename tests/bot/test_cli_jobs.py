"""`faultmaven jobs failed` and `faultmaven jobs retry` against a real Redis and a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.cli import main
from bot.services import Services
from bot.settings import get_settings
from jobs.cases.intake import NewCaseRequest
from jobs.runtime import JobContext
from jobs.worker import run_worker
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def cli_env(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def fail_a_diagnosis(services: Services, slack: FakeSlackApi, job_context: JobContext) -> str:
    """A diagnosis whose Slack posts keep failing, enqueued without RQ retries so it lands in failed."""
    slack.fail_next("chat.postMessage", 500, count=50)
    job = services.queue.queue("high").enqueue(
        "jobs.cases.diagnosis.diagnose_case", 1, job_id="diagnose_case-1"
    )
    run_worker(job_context, services.queue, burst=True, queues=("high",))
    return str(job.id)


def test_failed_jobs_are_listed_with_error_and_case_then_retried_once_fixed(
    cli_env: None,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    services.intake.open_case(
        NewCaseRequest(dedupe_key="f:1", source="slash", channel_id="C111", reporter_id="W111", text="504s")
    )
    # The intake enqueued the diagnosis with RQ retries; take it off so this run fails for good.
    services.queue.queue("high").empty()  # type: ignore[no-untyped-call]
    job_id = fail_a_diagnosis(services, slack, job_context)

    assert main(["jobs", "failed", "--since", "1h"]) == 0
    out = capsys.readouterr().out
    assert job_id in out and "high" in out and "FM-1" in out and "SlackApiError" in out

    assert main(["jobs", "retry", "--all", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == f"would re-enqueue {job_id}"
    assert services.queue.queue("high").count == 0

    slack.reset()
    assert main(["jobs", "retry", job_id]) == 0
    assert capsys.readouterr().out.strip() == f"re-enqueued {job_id}"
    run_worker(job_context, services.queue, burst=True, queues=("high",))

    assert any("Diagnosis for FM-1" in str(m.get("blocks")) for m in slack.messages.values())
    assert main(["jobs", "failed"]) == 0
    assert capsys.readouterr().out.strip() == "no failed jobs"
    assert main(["jobs", "retry", "nope"]) == 1


def test_since_takes_an_age_and_rejects_nonsense(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["jobs", "failed", "--since", "yesterday"])
    assert "use a number and s, m, h, d or w" in capsys.readouterr().err
