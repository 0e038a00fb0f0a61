"""Every kind of secret, through every input of the real app and a real RQ worker, leaves only markers:
not in any Slack call or uploaded export, not in any table, not in Redis."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from jobs.actions.runtime import ActionRuntime
from tests.engine.test_redaction_corpus import Sample, leaks, secret_samples
from tests.fakes.incident_webhooks import am_group, pd_event, post_alertmanager, post_pagerduty
from tests.fakes.signing import event_body, signed_headers
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.audit.test_audit_trail import command, say_in_thread
from tests.jobs.slack_surfaces import database_texts, redis_texts, slack_texts

SAMPLES = secret_samples()
# Every sample in one paste, as people paste a whole log.
PASTE = "\n".join(sample.text for sample in SAMPLES)


def leaked(samples: list[Sample], texts: list[str]) -> list[str]:
    """The kinds of secret found anywhere in `texts`."""
    return sorted({s.kind for s in samples for t in texts if leaks(s, t)})


def test_secrets_from_every_input_are_masked_everywhere(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    action_runtime: ActionRuntime,
    run_jobs: Callable[[], None],
) -> None:
    # 1. the slash command: the ack says secrets were masked
    answer = command(web, f"help checkout is down, log below\n{PASTE}")
    assert answer["text"].startswith("Opening case FM-1") and "masked" in answer["text"]
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    assert "[REDACTED:" in case.description

    # 2. a thread reply: its author is told once, privately
    say_in_thread(web, case.root_ts, f"more from the pod:\n{PASTE}", "1800000010.000100")
    run_jobs()
    notices = [c for c in slack.calls_to("chat.postEphemeral") if "masked" in c.params.get("text", "")]
    assert [n.params["user"] for n in notices] == ["W222"]

    # 3. a proposal: a credential parameter is refused with the hint; secrets in its reason are masked
    secret = SAMPLES[0].secret
    say_in_thread(
        web,
        case.root_ts,
        f"<@U0FMBOT> run restart_service checkout password={secret}",
        "1800000020.000100",
        True,
    )
    say_in_thread(
        web,
        case.root_ts,
        f"<@U0FMBOT> run restart_service checkout because {PASTE}",
        "1800000030.000100",
        True,
    )
    run_jobs()
    refusals = [
        c for c in slack.calls_to("chat.postEphemeral") if "executor's own configuration" in str(c.params)
    ]
    assert len(refusals) == 1 and "`password`" in refusals[0].params["text"]
    proposals = action_runtime.repo.for_case(case.id)
    assert len(proposals) == 1 and "[REDACTED:" in proposals[0].reason

    # 4. a resolution, then the audit export (both files)
    say_in_thread(web, case.root_ts, f"<@U0FMBOT> resolve rotated {PASTE}", "1800000040.000100", True)
    run_jobs()
    command(web, "audit FM-1", trigger_id="555.666.audit")
    run_jobs()
    # The report was a long paste, so it went up as a snippet too; the export is the other upload.
    uploads = slack.calls_to("files.completeUploadExternal")
    assert len([c for c in uploads if "report" not in str(c.params.get("files"))]) == 1

    # 5. an Alertmanager alert whose annotations carry every secret
    alert = am_group("CheckoutDown", ["checkout-1"])
    alert["alerts"][0]["annotations"]["description"] = PASTE
    alert["commonAnnotations"] = {"summary": "checkout down", "description": PASTE}
    assert post_alertmanager(web, alert).status_code == 202
    run_jobs()
    assert services.cases.get(2) is not None

    # 6. a PagerDuty incident whose title carries a secret, then a note carrying every one
    triggered = pd_event("incident.triggered", "EvS1", "2025-03-14T14:00:00Z", title=SAMPLES[5].text)
    noted = pd_event("incident.annotated", "EvS2", "2025-03-14T14:01:00Z", content=PASTE)
    for body in (triggered, noted):
        assert post_pagerduty(web, body).status_code in (200, 202)
    run_jobs()
    assert services.cases.get(3) is not None

    assert len(leaked(SAMPLES, [PASTE])) == len({s.kind for s in SAMPLES}), "the leak check finds raw secrets"
    outputs = slack_texts(slack)
    tables = database_texts(services.db)
    stored = redis_texts(services.redis)
    print(
        "\nsecrets via slash, thread, proposal, resolve, export, Alertmanager, PagerDuty: "
        f"{len(SAMPLES)} samples; {len(outputs)} Slack calls/files, {len(tables)} tables, "
        f"{len(stored)} Redis values checked"
    )
    assert leaked(SAMPLES, outputs) == []
    for table, rows in tables.items():
        assert leaked(SAMPLES, [rows]) == [], table
    assert leaked(SAMPLES, stored) == []
    # The markers themselves are kept, so a reader knows something was there.
    assert "[REDACTED:aws_access_key]" in tables["cases"] and "[REDACTED:" in tables["case_messages"]
    assert "[REDACTED:" in tables["audit_log"] and "[REDACTED:" in tables["incident_events"]


def test_a_mention_that_opens_a_case_tells_its_reporter_once_that_secrets_were_masked(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    body = event_body(
        {
            "type": "app_mention",
            "channel": "C111",
            "user": "W333",
            "text": f"<@U0FMBOT> checkout 500s, {SAMPLES[4].text}",
            "ts": "1800000001.000100",
        },
        "EvMention1",
    )
    headers = signed_headers(body, content_type="application/json")
    assert web.post("/slack/events", content=body, headers=headers).status_code == 200
    run_jobs()
    run_jobs()  # a second pass over an already-diagnosed case says nothing again

    notices = [c.params for c in slack.calls_to("chat.postEphemeral") if "masked" in c.params.get("text", "")]
    assert [(n["user"], n["channel"]) for n in notices] == [("W333", "C111")]
    case = services.cases.get(1)
    assert case is not None and "[REDACTED:slack_token]" in case.description
    assert leaked(SAMPLES, slack_texts(slack)) == []
