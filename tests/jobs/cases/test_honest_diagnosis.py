"""The four reports that lost on-call engineers' trust, through the real app and the real worker."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from engine.models import Category, Diagnosis
from jobs.runtime import JobContext
from tests.fakes.signing import signed_headers, slash_command_body
from tests.fakes.slack_api import FakeSlackApi


def diagnose_report(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None], report: str
) -> tuple[Diagnosis, str]:
    body = slash_command_body(f"help {report}")
    assert web.post("/slack/events", content=body, headers=signed_headers(body)).status_code == 200
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.diagnosis_json is not None and case.root_ts is not None
    [answer] = slack.thread(case.channel_id, case.root_ts)
    return Diagnosis.model_validate_json(case.diagnosis_json), str(answer["blocks"])


def assert_evidence_quotes(diagnosis: Diagnosis, report: str) -> None:
    observed = [o for h in diagnosis.hypotheses for o in h.observed]
    assert observed, "a hypothesis says what was seen"
    for observation in observed:
        assert observation.quote.lower() in report.lower()
        assert observation.author == "W111"


def test_postgres_report_gets_postgres_answers_and_no_mysql(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    run_jobs: Callable[[], None],
    job_context: JobContext,
) -> None:
    report = "prod postgres primary at max_connections, app logs 'too many connections'"

    diagnosis, thread = diagnose_report(web, services, slack, run_jobs, report)

    assert diagnosis.technologies == ["postgresql"] and diagnosis.category is Category.DATABASE
    assert "PostgreSQL" in diagnosis.summary and "psql" in thread
    assert "mysql" not in thread.lower() and "kubectl" not in thread
    assert_evidence_quotes(diagnosis, report)
    # The compact message quotes what was seen; Details says where and by whom.
    assert "seen `too many connections`" in thread
    assert job_context.audit is not None
    [audited] = [e.data for e in job_context.audit.for_case(1) if e.kind == "diagnosis"]
    assert "too many connections (in the report by <@W111>)" in audited["observed"]
    assert all(line.split(" (in ")[0].lower() in report.lower() for line in audited["observed"])


def test_redis_oom_gets_redis_memory_answers_not_kubernetes_or_jvm(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    report = "redis is OOM-killing on cache-01"

    diagnosis, thread = diagnose_report(web, services, slack, run_jobs, report)

    assert diagnosis.technologies == ["redis"] and diagnosis.category is Category.RESOURCE_EXHAUSTION
    assert "redis-cli" in thread
    for foreign in ("OOMKilled", "kubectl", "JVM", "heap", "-Xmx"):
        assert foreign not in thread
    assert_evidence_quotes(diagnosis, report)


def test_502s_since_the_deploy_point_at_the_deploy_and_offer_a_rollback(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    report = "checkout API returning 502s since the 14:05 deploy"

    diagnosis, thread = diagnose_report(web, services, slack, run_jobs, report)

    assert "Roll back" in thread
    assert diagnosis.category is Category.DEPLOYMENT_BUG
    assert any(o.quote == "since the 14:05 deploy" for o in diagnosis.hypotheses[0].observed)
    assert any("roll back" in a.title.lower() for a in diagnosis.recommended_actions)
    assert "vendor" not in diagnosis.summary.lower()
    assert_evidence_quotes(diagnosis, report)


def test_elasticsearch_without_knowledge_is_category_level_and_says_so(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    report = "elasticsearch rejecting bulk writes: circuit_breaking_exception [parent] Data too large"

    diagnosis, thread = diagnose_report(web, services, slack, run_jobs, report)

    assert diagnosis.summary.startswith("I have no specific knowledge of Elasticsearch")
    assert diagnosis.category is Category.RESOURCE_EXHAUSTION
    assert diagnosis.recommended_actions == [], "no other stack's actions, no region failover"
    for foreign in ("kubectl", "psql", "mysql", "redis-cli", "jcmd", "region"):
        assert foreign not in thread
    assert_evidence_quotes(diagnosis, report)
