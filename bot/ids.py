"""Every action_id, callback_id and block_id the bot uses, in one place."""

from enum import StrEnum


class Ids(StrEnum):
    # The "report a problem" modal.
    REPORT_MODAL = "fm_report_problem"
    REPORT_TITLE_BLOCK = "fm_title"
    REPORT_TITLE_INPUT = "fm_title_text"
    REPORT_PROBLEM_BLOCK = "fm_problem"
    REPORT_PROBLEM_INPUT = "fm_problem_text"
    REPORT_SERVICE_BLOCK = "fm_service"
    REPORT_SERVICE_INPUT = "fm_service_text"
    REPORT_SEVERITY_BLOCK = "fm_severity"
    REPORT_SEVERITY_INPUT = "fm_severity_select"
    # Case messages.
    CASE_ROOT_FIELDS = "fm_case_fields"
    CASE_LINKS = "fm_case_links"
    DIAGNOSIS_SUMMARY = "fm_diagnosis_summary"
    PROGRESS = "fm_progress"
    OPEN_REPORT_BUTTON = "fm_open_report"
    # Runbooks.
    RUNBOOK_SUGGESTIONS = "fm_runbook_suggestions"
    RUNBOOK_RESULTS = "fm_runbook_results"
    RUNBOOK_SHARE_BUTTON = "fm_runbook_share"
    RUNBOOK_VIEW_BUTTON = "fm_runbook_view"
    RUNBOOK_MODAL = "fm_runbook_view_modal"
    # Runbooks drafted from resolved cases.
    RUNBOOK_OFFER = "fm_runbook_offer"
    RUNBOOK_CREATE_BUTTON = "fm_runbook_create"
    RUNBOOK_DECLINE_BUTTON = "fm_runbook_decline"
    RUNBOOK_DRAFT = "fm_runbook_draft"
    RUNBOOK_APPROVE_BUTTON = "fm_runbook_approve"
    RUNBOOK_REJECT_BUTTON = "fm_runbook_reject"
