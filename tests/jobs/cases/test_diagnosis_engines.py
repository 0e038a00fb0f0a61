"""Case jobs with the Claude engine: usage recorded per case, degraded answers visibly noted."""

from __future__ import annotations

from pydantic import SecretStr

from bot.engines import build_diagnosis_engine
from bot.services import Services
from bot.settings import Settings
from engine.llm.engine import ClaudeEngine
from engine.offline import OfflineEngine
from jobs.cases.diagnosis import answer_in_thread, diagnose_case
from jobs.runtime import JobContext, install_context
from jobs.slack import make_web_client
from storage.db import make_session_factory
from storage.llm_usage import LlmUsageRepository
from tests.conftest import BOT_TOKEN
from tests.fakes.anthropic_api import FakeMessagesApi
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.cases.test_cases import open_case


def claude_context(
    services: Services, slack: FakeSlackApi, settings: Settings, api: FakeMessagesApi
) -> JobContext:
    engine = build_diagnosis_engine(settings, client=api.client(max_retries=0))
    context = JobContext(
        cases=services.cases,
        slack=make_web_client(BOT_TOKEN, slack.base_url),
        engine=engine,
        bot_user_id="U0FMBOT",
        llm_usage=LlmUsageRepository(make_session_factory(services.db)),
    )
    install_context(context)
    return context


def test_engine_is_offline_without_an_api_key_and_claude_with_one(settings: Settings) -> None:
    assert isinstance(build_diagnosis_engine(settings), OfflineEngine)
    keyed = settings.model_copy(update={"anthropic_api_key": SecretStr("sk-ant-api03-real-looking-key")})
    assert isinstance(build_diagnosis_engine(keyed), ClaudeEngine)


def test_claude_diagnosis_records_tokens_and_cost_for_each_turn(
    services: Services, slack: FakeSlackApi, settings: Settings
) -> None:
    api = FakeMessagesApi()
    context = claude_context(services, slack, settings, api)
    case_id = open_case(services, "checkout pods OOMKilled since the 14:00 deploy")
    diagnose_case(case_id)
    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    # Posted in Slack too: a reply that moves nothing is answered with a 👀 on it.
    posted = slack.workspace.add_message("C111", "W2", "limit is 512Mi", thread_ts=case.root_ts)
    message, _job, _ = services.cases.add_message(
        case_id, "W2", "limit is 512Mi", posted["ts"], "answer_in_thread"
    )

    answer_in_thread(case_id, message.id)

    assert context.llm_usage is not None
    totals = context.llm_usage.totals_for_case(case_id)
    assert totals.calls == 2
    assert totals.input_tokens == 2400 and totals.output_tokens == 800
    assert totals.cost_usd > 0
    final = slack.thread("C111", case.root_ts)[0]
    assert "Engine: claude · claude-sonnet-4-6" in str(final["blocks"])


def test_when_claude_is_down_the_thread_says_so_and_still_gets_a_diagnosis(
    services: Services, slack: FakeSlackApi, settings: Settings
) -> None:
    api = FakeMessagesApi()
    api.fail_with(529, times=2)
    context = claude_context(services, slack, settings, api)
    case_id = open_case(services, "postgres: FATAL: sorry, too many clients already")

    diagnose_case(case_id)

    case = services.cases.get(case_id)
    assert case is not None and case.root_ts is not None
    blocks = str(slack.thread("C111", case.root_ts)[0]["blocks"])
    assert "⚠️ Claude could not answer" in blocks
    assert "Engine: offline" in blocks and "database" in blocks
    assert context.llm_usage is not None
    assert context.llm_usage.totals_for_case(case_id).calls == 2
