"""`<!channel>`, `<@U…>`, `<#C…>` and `<url|label>` from a user or an alert, through the real app and a
real RQ worker, reach the Slack API only as escaped text."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from bot.services import Services
from tests.bot.blocks.test_injection import HOSTILE, RAW
from tests.fakes.incident_webhooks import am_group, post_alertmanager
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.audit.test_audit_trail import command, contents, say_in_thread, uploads
from tests.jobs.slack_surfaces import slack_texts


def unescaped(slack: FakeSlackApi, *files: str) -> list[str]:
    """Every raw hostile marker found in what was sent to Slack (text, blocks, views) or in `files`."""
    return sorted(
        {raw for text in [*slack_texts(slack, with_files=False), *files] for raw in RAW if raw in text}
    )


def test_hostile_text_from_a_slash_command_and_thread_is_shown_literally(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    command(web, f"help {HOSTILE} checkout pods OOMKilled")
    run_jobs()
    case = services.cases.get(1)
    assert case is not None and case.root_ts is not None
    say_in_thread(web, case.root_ts, f"{HOSTILE} still OOMKilled", "1800000010.000100")
    say_in_thread(web, case.root_ts, f"<@U0FMBOT> resolve {HOSTILE}", "1800000020.000100", True)
    run_jobs()
    command(web, "audit FM-1", trigger_id="555.666.audit")
    run_jobs()

    # The JSON lines export is data, not mrkdwn, and keeps the text as stored; the markdown one is shown.
    [upload] = uploads(slack, case.root_ts)
    timeline = contents(slack, upload)["FM-1-audit.md"]
    assert "&lt;!channel&gt;" in timeline
    assert len(slack.calls_to("chat.postMessage")) >= 3
    assert unescaped(slack, timeline) == []
    assert any("&lt;!channel&gt;" in text for text in slack_texts(slack)), "the text is still shown"
    assert HOSTILE in (services.cases.get(1) or case).title, "stored raw; escaped only where shown"


def test_hostile_alertmanager_alert_is_shown_literally(
    web: TestClient, services: Services, slack: FakeSlackApi, run_jobs: Callable[[], None]
) -> None:
    alert = am_group("CheckoutDown", ["checkout-1", "checkout-2"])
    for item in alert["alerts"]:
        item["annotations"].update(summary=HOSTILE, description=HOSTILE, runbook_url=HOSTILE)
        item["labels"]["team"] = HOSTILE
    alert["commonAnnotations"] = {"summary": HOSTILE, "description": HOSTILE, "runbook_url": HOSTILE}
    alert["commonLabels"]["team"] = HOSTILE
    assert post_alertmanager(web, alert).status_code == 202
    run_jobs()

    assert services.cases.get(1) is not None
    assert len(slack.calls_to("chat.postMessage")) >= 1
    assert unescaped(slack) == []
    assert any("&lt;!channel&gt;" in text for text in slack_texts(slack))
