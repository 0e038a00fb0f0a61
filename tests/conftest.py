"""Shared fixtures: a real redis-server, a fake Slack Web API, SQL in a temp dir, the real app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from bot.actions import build_action_runtime, build_executors
from bot.app import create_app
from bot.cli_runbooks import SHIPPED_RUNBOOKS
from bot.incidents import build_incident_runtime
from bot.learning import build_learning_runtime
from bot.redis_server import RedisServer, start_redis
from bot.services import Services, build_services
from bot.settings import Settings
from bot.web import create_web_app
from engine.knowledge.patterns_model import load_patterns
from engine.offline import OfflineEngine
from engine.replies.triage import ReplyTriage
from engine.search.embedding import MiniLmOnnxEmbedder
from jobs.actions.runtime import ActionRuntime
from jobs.queue import QUEUE_NAMES
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext, install_context
from jobs.slack import make_web_client
from storage.audit import AuditLog
from storage.db import make_session_factory
from storage.migrate import upgrade
from storage.runbooks import RunbookRepository
from storage.vector_store import ChromaVectorStore, make_chroma_client
from tests.fakes.automation_receiver import AutomationReceiver
from tests.fakes.clock import MovableClock
from tests.fakes.embedding import MemoEmbedder
from tests.fakes.pagerduty_api import PD_API_TOKEN, PD_WEBHOOK_SECRETS, FakePagerDutyApi
from tests.fakes.signing import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlackApi

BOT_TOKEN = "xoxb-test-0000-faultmaven"
ALERTMANAGER_TOKEN = "am-token-test-0123"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    Redis.from_url(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture
def slack(fake_slack_server: FakeSlackApi) -> FakeSlackApi:
    fake_slack_server.reset()
    return fake_slack_server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'faultmaven.db'}"
    upgrade(url)
    return url


def _postgres_schema_url(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options=-csearch_path%3D{schema}"
    upgrade(url)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on SQLite always and on PostgreSQL when TEST_DATABASE_URL names one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'faultmaven.db'}"
        upgrade(url)
        yield url
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("no PostgreSQL: set TEST_DATABASE_URL (make test detects a local one)")
    yield from _postgres_schema_url(base)


@pytest.fixture(scope="session")
def fake_pagerduty_server() -> Iterator[FakePagerDutyApi]:
    api = FakePagerDutyApi().start()
    yield api
    api.stop()


@pytest.fixture
def pagerduty(fake_pagerduty_server: FakePagerDutyApi) -> FakePagerDutyApi:
    fake_pagerduty_server.reset()
    return fake_pagerduty_server


@pytest.fixture
def settings(
    sqlite_url: str, redis_url: str, slack: FakeSlackApi, pagerduty: FakePagerDutyApi, tmp_path: Path
) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=slack.base_url,
        redis_url=redis_url,
        database_url=sqlite_url,
        faultmaven_data_dir=tmp_path,
        pagerduty_webhook_secret=",".join(PD_WEBHOOK_SECRETS),  # type: ignore[arg-type]
        alertmanager_token=ALERTMANAGER_TOKEN,  # type: ignore[arg-type]
        pagerduty_api_token=PD_API_TOKEN,  # type: ignore[arg-type]
        pagerduty_api_url=pagerduty.base_url,
        faultmaven_incident_channel="C0INCIDENTS",
        faultmaven_incident_routes="namespace=payments:C0PAYMENTS",
        # Tests run jobs in burst: sync after every event, no per-channel pacing.
        faultmaven_incident_debounce_seconds=0,
        faultmaven_channel_message_interval=0,
    )


@pytest.fixture
def services(settings: Settings) -> Services:
    return build_services(settings)


@pytest.fixture
def web(settings: Settings, services: Services) -> TestClient:
    """The real web app (Bolt inside Starlette), driven over ASGI."""
    return TestClient(create_web_app(services, create_app(settings, services)))


@pytest.fixture
def job_context(
    settings: Settings, services: Services, slack: FakeSlackApi, embedder: MemoEmbedder
) -> JobContext:
    context = JobContext(
        cases=services.cases,
        slack=make_web_client(BOT_TOKEN, slack.base_url),
        engine=OfflineEngine(load_patterns()),
        bot_user_id="U0FMBOT",
        incidents=build_incident_runtime(settings, services.db, services.queue),
        audit=AuditLog(make_session_factory(services.db)),
        reply_triage=ReplyTriage(embedder),
        learning=build_learning_runtime(services.db, embedder, settings),
    )
    install_context(context)
    return context


@pytest.fixture
def run_jobs(services: Services, job_context: JobContext) -> Callable[[], None]:
    """Run every queued job through a real RQ worker, in burst mode."""

    def run() -> None:
        worker = SimpleWorker(
            [services.queue.queue(name) for name in QUEUE_NAMES],
            connection=services.redis,
            serializer=JSONSerializer,
        )
        worker.work(burst=True, logging_level="WARNING")

    return run


# --- runbooks ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def embedder() -> MemoEmbedder:
    """The packaged MiniLM model, loaded (and sha256-checked) once per session."""
    return MemoEmbedder(MiniLmOnnxEmbedder())


@pytest.fixture
def runbook_library(services: Services, embedder: MemoEmbedder, tmp_path: Path) -> RunbookLibrary:
    """The shipped runbooks in this test's SQL and an embedded Chroma under its temp dir."""
    repo = RunbookRepository(make_session_factory(services.db))
    vectors = ChromaVectorStore(make_chroma_client(tmp_path), embedder.embed, embedder.name)
    library = RunbookLibrary(repo, embedder, vectors)
    library.ensure_library(SHIPPED_RUNBOOKS)
    return library


# --- actions and approvals ------------------------------------------------------------------------

TEST_POLICY = Path(__file__).parent / "data" / "policy.yaml"


@pytest.fixture(scope="session")
def automation_server() -> Iterator[AutomationReceiver]:
    receiver = AutomationReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def automation(automation_server: AutomationReceiver) -> AutomationReceiver:
    """The local automation endpoint, emptied for this test."""
    automation_server.reset()
    return automation_server


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def action_runtime(
    settings: Settings, services: Services, job_context: JobContext, clock: MovableClock
) -> ActionRuntime:
    """Actions under tests/data/policy.yaml, in dry run, with a clock the test moves."""
    runtime = build_action_runtime(
        settings.model_copy(update={"faultmaven_policy_file": TEST_POLICY}), services.db, services.queue
    )
    runtime.clock = clock
    job_context.actions = runtime
    return runtime


@pytest.fixture
def live_actions(
    settings: Settings, action_runtime: ActionRuntime, automation: AutomationReceiver
) -> ActionRuntime:
    """Execution turned on, with the webhook executor pointed at the local automation endpoint."""
    live = settings.model_copy(
        update={
            "faultmaven_policy_file": TEST_POLICY,
            "faultmaven_action_webhook_url": automation.url,
            "faultmaven_action_webhook_secret": SecretStr(automation.secret),
        }
    )
    action_runtime.executors = build_executors(live, action_runtime.policy)
    action_runtime.dry_run = False
    return action_runtime
