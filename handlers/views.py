"""Modal submissions: the report-a-problem form opens a case; runbook forms live in runbook_views."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App

from bot.ids import Ids
from engine.errors import FaultMavenError
from engine.models import Severity
from handlers import runbook_views
from handlers.payloads import ReportSubmission, user_id_of
from jobs.cases.intake import Intake, NewCaseRequest
from jobs.runbooks.requests import RunbookRequests

REPORT_FIELDS = {
    "title": (Ids.REPORT_TITLE_BLOCK.value, Ids.REPORT_TITLE_INPUT.value),
    "problem": (Ids.REPORT_PROBLEM_BLOCK.value, Ids.REPORT_PROBLEM_INPUT.value),
    "service": (Ids.REPORT_SERVICE_BLOCK.value, Ids.REPORT_SERVICE_INPUT.value),
    "severity": (Ids.REPORT_SEVERITY_BLOCK.value, Ids.REPORT_SEVERITY_INPUT.value),
}


def register(app: App, intake: Intake, runbooks: RunbookRequests | None = None) -> None:
    """Attach view listeners."""
    if runbooks is not None:
        runbook_views.register(app, runbooks)

    @app.view(Ids.REPORT_MODAL.value)
    def handle_report_submission(ack: Ack, body: dict[str, Any]) -> None:
        try:
            report = ReportSubmission.from_view(user_id_of(body), body["view"], REPORT_FIELDS)
        except (ValidationError, ValueError):
            ack(response_action="errors", errors={Ids.REPORT_PROBLEM_BLOCK.value: "Describe what is broken."})
            return
        if not report.channel_id:
            ack(
                response_action="errors",
                errors={Ids.REPORT_PROBLEM_BLOCK.value: "Open this form from a channel."},
            )
            return
        severity = Severity(report.severity) if report.severity in {s.value for s in Severity} else None
        try:
            intake.open_case(
                NewCaseRequest(
                    dedupe_key=f"modal:{report.view_id}",
                    source="modal",
                    channel_id=report.channel_id,
                    reporter_id=report.user_id,
                    text=report.problem,
                    title=report.title,
                    service=report.service,
                    severity=severity,
                )
            )
        except FaultMavenError as error:
            ack(response_action="errors", errors={Ids.REPORT_PROBLEM_BLOCK.value: str(error)})
            return
        ack()
