"""`/faultmaven list [all]` and `/faultmaven status FM-12`: ephemeral, correct, with thread links."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from bot.playground.permalinks_api import PERMALINK_BASE
from bot.services import Services
from jobs.runtime import JobContext
from storage.models import Case
from tests.fakes.slack_api import FakeSlackApi
from tests.jobs.learning.helpers import open_case, resolve
from tests.jobs.runbooks.runbook_helpers import slash

DISK = "disk full on web-03: no space left on device"
DNS = "dns lookups for api.internal time out from the payments pods"
CERT = "tls certificate expired on shop.example.com"


def link(case: Case) -> str:
    return f"<{PERMALINK_BASE}/{case.channel_id}/p{(case.root_ts or '').replace('.', '')}|{case.ref}>"


def answers_to(slack: FakeSlackApi, user: str) -> list[dict[str, Any]]:
    return [dict(c.params) for c in slack.calls_to("chat.postEphemeral") if c.params["user"] == user]


def test_list_shows_open_cases_here_or_everywhere_with_links(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    disk = open_case(services, run_jobs, DISK, channel="C111")
    dns = open_case(services, run_jobs, DNS, channel="C111")
    cert = open_case(services, run_jobs, CERT, channel="C222")
    resolve(web, disk, "cleaned /var/log")
    run_jobs()

    slash(web, "list", "W7", channel="C111")
    run_jobs()
    slash(web, "list all", "W8", channel="C111")
    run_jobs()

    [here] = answers_to(slack, "W7")
    [everywhere] = answers_to(slack, "W8")
    here_blocks, all_blocks = json.dumps(here["blocks"]), json.dumps(everywhere["blocks"])
    assert here["channel"] == "C111" and "1 open case in <#C111>" in here_blocks
    assert link(dns) in here_blocks and disk.ref not in here_blocks and cert.ref not in here_blocks
    assert "2 open cases in all channels" in all_blocks
    assert link(dns) in all_blocks and link(cert) in all_blocks and "<#C222>" in all_blocks
    assert all_blocks.index(cert.ref) < all_blocks.index(dns.ref), "newest first"


def test_status_of_a_resolved_case_says_how_and_how_fast_and_unknown_ids_are_explained(
    web: TestClient,
    services: Services,
    slack: FakeSlackApi,
    job_context: JobContext,
    run_jobs: Callable[[], None],
) -> None:
    disk = open_case(services, run_jobs, DISK)
    resolve(web, disk, "cleaned /var/log <!here>")
    run_jobs()

    slash(web, f"status {disk.ref}", "W7")
    slash(web, "status FM-99", "W8")
    usage = slash(web, "status banana", "W9")
    run_jobs()

    [status] = answers_to(slack, "W7")
    shown = json.dumps(status["blocks"], ensure_ascii=False)
    assert link(disk) in shown and "✅" in shown and "Reported by <@W111>" in shown
    assert "*Resolved* following FaultMaven's lead in" in shown and "cleaned /var/log &lt;!here&gt;" in shown
    assert [a["text"] for a in answers_to(slack, "W8")] == ["There is no case FM-99."]
    assert "/faultmaven status FM-12" in usage.text and not answers_to(slack, "W9")
