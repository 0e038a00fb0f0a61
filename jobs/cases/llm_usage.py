"""Record what the LLM calls behind a diagnosis or a runbook draft cost, per case and per job."""

from __future__ import annotations

import logging

from engine.models import Diagnosis, LlmCall
from jobs.metrics import count_llm_calls
from jobs.runtime import JobContext
from storage.llm_usage import UsageRecord

log = logging.getLogger(__name__)


def record_llm_usage(ctx: JobContext, case_id: int, job_key: str, diagnosis: Diagnosis) -> None:
    """Store one row per LLM call the diagnosis took (none for the offline engine)."""
    record_llm_calls(ctx, case_id, job_key, diagnosis.llm_calls)


def record_llm_calls(ctx: JobContext, case_id: int, job_key: str, calls: list[LlmCall]) -> None:
    """Store one row per LLM call a job made for a case (a diagnosis, a runbook draft)."""
    count_llm_calls(calls)
    if ctx.llm_usage is None or not calls:
        return
    ctx.llm_usage.record(case_id, job_key, [UsageRecord(**call.model_dump()) for call in calls])
    log.info(
        "llm usage recorded",
        extra={
            "case_id": case_id,
            "job_key": job_key,
            "calls": len(calls),
            "cost_usd": round(sum(c.cost_usd for c in calls), 6),
        },
    )
