"""Five same-way resolutions → a promotion card; approved, the next matching case gets the known fix
first, with no LLM call; unrelated cases still get a full diagnosis; every step is audited."""

from __future__ import annotations

import json
from collections.abc import Callable

from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.engines import build_diagnosis_engine
from bot.ids import Ids
from bot.services import Services
from bot.settings import Settings
from jobs.runbooks.library import RunbookLibrary
from jobs.runtime import JobContext
from storage.models import Case
from tests.fakes.anthropic_api import FakeMessagesApi
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.runbooks.runbook_helpers import opened_view, press, slash, submit
from tests.jobs.runbooks.test_runbook_feedback import vote

REDIS = "redis on cache-01 rejects writes: OOM command not allowed when used memory > maxmemory"
REDIS_AGAIN = (
    "cache-01 redis is refusing SET commands, error says OOM command not allowed, memory at maxmemory"
)
DISK = "disk full on web-03: no space left on device, /var/log is 100%"
FIX = "raised maxmemory to 4gb and set allkeys-lru"


def redis_runbook(library: RunbookLibrary) -> int:
    """The runbook search ranks first for the report before any vote (votes move the ranking)."""
    return library.search(REDIS, k=1)[0].runbook.id


def resolve_with_runbook(
    web: TestClient, services: Services, runbook_id: int, run_jobs: Callable[[], None], worked: bool
) -> Case:
    """A Redis OOM case, resolved, then the runbook voted ✅ (or ❌) in the thread."""
    case = open_case(services, run_jobs, REDIS)
    resolve(web, case, FIX)
    run_jobs()
    vote(web, "fm_runbook_worked" if worked else "fm_runbook_failed", f"{case.id}:{runbook_id}", "W1")
    run_jobs()
    return case


def cards(slack: FakeSlackApi) -> list[dict[str, object]]:
    return [m for m in slack.messages.values() if "Proposed known fix" in json.dumps(m.get("blocks", []))]


def shown(slack: FakeSlackApi, message: dict[str, object]) -> str:
    return json.dumps(slack.messages[str(message["ts"])]["blocks"], ensure_ascii=False)


def test_proven_fix_is_proposed_approved_and_then_answers_first_without_an_llm_call(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    settings: Settings,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    redis_id = redis_runbook(runbook_library)
    for _ in range(4):
        resolve_with_runbook(web, services, redis_id, run_jobs, worked=True)
    assert cards(slack) == [], "four resolutions are not yet proof"
    fifth = resolve_with_runbook(web, services, redis_id, run_jobs, worked=True)

    [card] = cards(slack)
    assert card["thread_ts"] == fifth.root_ts
    assert "resolved 5/5 times" in shown(slack, card) and "FM-1, FM-2, FM-3, FM-4, FM-5" in shown(slack, card)

    press(web, Ids.KNOWN_FIX_APPROVE_BUTTON, "1", "W9")
    submit(
        web,
        opened_view(slack),
        {Ids.KNOWN_FIX_NAME: "Redis maxmemory bump", Ids.KNOWN_FIX_NOTES: "check RAM"},
        "W9",
    )
    run_jobs()
    assert "Approved by <@W9> as *Redis maxmemory bump* — check RAM" in shown(slack, card)

    api = FakeMessagesApi()
    keyed = settings.model_copy(update={"anthropic_api_key": SecretStr("sk-ant-api03-real-looking-key")})
    job_context.engine = build_diagnosis_engine(keyed, client=api.client(max_retries=0))
    again = services.cases.get(open_case(services, run_jobs, REDIS_AGAIN).id)
    assert again is not None and again.progress_ts is not None
    answer = json.dumps(slack.messages[again.progress_ts]["blocks"], ensure_ascii=False)
    assert "Known fix (resolved 5/5 times): Redis maxmemory bump" in answer
    assert api.requests == [], "a known fix answers without calling the LLM"

    resolve(web, again, "bumped maxmemory as the known fix said")
    run_jobs()
    assert job_context.learning is not None
    outcome = job_context.learning.outcomes.for_case(again.id)
    first = job_context.learning.outcomes.for_case(fifth.id)
    assert outcome is not None and first is not None
    assert (outcome.level, outcome.fix_key, outcome.signature) == ("L1", "known_fix:1", first.signature)

    unrelated = open_case(services, run_jobs, DISK)
    assert api.requests, "an unrelated case still gets a full (LLM) diagnosis"
    assert unrelated.id > again.id
    assert job_context.audit is not None
    kinds = [
        r.kind
        for c in (fifth.id, again.id)
        for r in job_context.audit.for_case(c)
        if r.kind.startswith("known")
    ]
    assert kinds == ["known_fix_proposed", "known_fix_matched"]


def test_failures_count_against_a_fix_and_a_rejection_records_the_reason(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    runbook_library: RunbookLibrary,
    run_jobs: Callable[[], None],
) -> None:
    job_context.runbooks = runbook_library
    redis_id = redis_runbook(runbook_library)
    assert job_context.learning is not None
    job_context.learning.promotion_min_success = 0.85  # FAULTMAVEN_PROMOTION_MIN_SUCCESS
    resolve_with_runbook(web, services, redis_id, run_jobs, worked=False)
    for _ in range(5):
        resolve_with_runbook(web, services, redis_id, run_jobs, worked=True)
    assert cards(slack) == [], "5 of 6 is 83%, under the threshold"
    resolve_with_runbook(web, services, redis_id, run_jobs, worked=True)
    [card] = cards(slack)
    assert "resolved 6/7 times" in shown(slack, card)
    slash(web, "runbook review", "W9")
    run_jobs()
    queue = json.dumps(slack.calls_to("chat.postEphemeral")[-1].params["blocks"], ensure_ascii=False)
    assert (
        "Known fixes waiting for review (1)" in queue and "|KF-1>" in queue and "resolved 6/7 times" in queue
    )

    press(web, Ids.KNOWN_FIX_REJECT_BUTTON, "1", "W9")
    submit(web, opened_view(slack), {Ids.KNOWN_FIX_REASON: "needs a <capacity> review first"}, "W9")
    run_jobs()
    assert "Rejected by <@W9>: needs a &lt;capacity&gt; review first" in shown(slack, card)
    assert "Approve" not in shown(slack, card)

    resolve_with_runbook(web, services, redis_id, run_jobs, worked=True)
    assert len(cards(slack)) == 1, "a rejected fix is not proposed again"
