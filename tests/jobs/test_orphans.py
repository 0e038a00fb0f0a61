"""The sweeper settles jobs whose lease ran out by what RQ recorded about them."""

from __future__ import annotations

from datetime import timedelta

from rq import SimpleWorker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from bot.services import build_services
from bot.settings import Settings
from engine.knowledge.patterns_model import load_patterns
from engine.offline import OfflineEngine
from jobs.cases.intake import sweep_outbox
from jobs.queue import QUEUE_NAMES
from jobs.runtime import JobContext, install_context
from jobs.slack import make_web_client
from jobs.worker import run_worker
from tests.conftest import BOT_TOKEN
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_cases import open_case
from tests.polling import poll_until


def test_orphans_rq_finished_are_closed_and_orphans_rq_lost_are_run_again_once(
    settings: Settings, slack: FakeSlackApi
) -> None:
    services = build_services(settings.model_copy(update={"faultmaven_job_lease_seconds": 1.0}))
    context = JobContext(
        cases=services.cases,
        slack=make_web_client(BOT_TOKEN, slack.base_url),
        engine=OfflineEngine(load_patterns()),
    )
    install_context(context)
    done = open_case(services, "disk full on db-1", key="k1")
    lost = open_case(services, "payments API 502s after the deploy", key="k2")
    # A plain RQ worker runs both jobs and never finishes their leases: a worker that died right
    # after RQ recorded success. Then Redis loses the second job's record (a restart without disk).
    SimpleWorker(
        [services.queue.queue(n) for n in QUEUE_NAMES], connection=services.redis, serializer=JSONSerializer
    ).work(burst=True, logging_level="WARNING")
    services.cases.leases.finish_held()  # what that worker held is not ours to renew
    services.cases.leases.claim(f"diagnose_case:{done}")
    services.cases.leases.claim(f"diagnose_case:{lost}")
    services.cases.leases.release_held()
    Job.fetch(f"diagnose_case-{lost}", connection=services.redis, serializer=JSONSerializer).delete()
    posts_before = len(slack.calls_to("chat.postMessage"))

    assert sweep_outbox(services.cases, services.queue) == 1
    assert [j.job_key for j in services.cases.unclaimed_jobs(timedelta(0))] == [f"diagnose_case:{lost}"]

    run_worker(context, services.queue, burst=True)

    assert services.cases.unclaimed_jobs(timedelta(0)) == []
    assert services.cases.leases.oldest_unfinished() is None
    case = services.cases.get(lost)
    assert case is not None and case.root_ts is not None
    thread = poll_until(lambda: slack.thread("C111", str(case.root_ts)), timeout=5)
    assert [m["ts"] for m in thread if "Diagnosis for" in str(m["blocks"])] == [case.progress_ts]
    # Suggestions may follow, but neither root nor progress message was posted again.
    reposted = [
        c for c in slack.calls_to("chat.postMessage")[posts_before:] if "Investigating" in str(c.params)
    ]
    assert reposted == []


def test_a_second_sweeper_leaves_alone_an_orphan_another_one_just_re_enqueued(
    settings: Settings, slack: FakeSlackApi
) -> None:
    quick = settings.model_copy(update={"faultmaven_job_lease_seconds": 0.5})
    services = build_services(quick)
    case_id = open_case(services, "disk full on db-1", key="k1")
    rq_id = f"diagnose_case-{case_id}"
    high = services.queue.queue("high")

    def started_by_a_worker() -> None:
        job = Job.fetch(rq_id, connection=services.redis, serializer=JSONSerializer)
        high.remove(job)
        job.set_status(JobStatus.STARTED)

    # A worker took the job and was SIGKILLed: RQ still says started; its lease is over.
    started_by_a_worker()
    services.cases.leases.claim(f"diagnose_case:{case_id}")
    services.cases.leases.release_held()
    one, other = build_services(quick), build_services(quick)  # two more workers' sweepers
    assert sweep_outbox(one.cases, one.queue) == 1
    # A third worker starts the re-run before renewing its lease; the other sweeper looks now.
    started_by_a_worker()

    assert sweep_outbox(other.cases, other.queue) == 0
    # The live re-run was neither deleted nor queued a second time.
    job = Job.fetch(rq_id, connection=services.redis, serializer=JSONSerializer)
    assert job.get_status() == JobStatus.STARTED
    assert high.count == 0
