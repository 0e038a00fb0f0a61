"""Record what the LLM calls behind a diagnosis cost, per case and per job."""

from __future__ import annotations

import logging

from engine.models import Diagnosis
from jobs.runtime import JobContext
from storage.llm_usage import UsageRecord

log = logging.getLogger(__name__)


def record_llm_usage(ctx: JobContext, case_id: int, job_key: str, diagnosis: Diagnosis) -> None:
    """Store one row per LLM call the diagnosis took (none for the offline engine)."""
    if ctx.llm_usage is None or not diagnosis.llm_calls:
        return
    ctx.llm_usage.record(case_id, job_key, [UsageRecord(**call.model_dump()) for call in diagnosis.llm_calls])
    log.info(
        "llm usage recorded",
        extra={
            "case_id": case_id,
            "job_key": job_key,
            "calls": len(diagnosis.llm_calls),
            "cost_usd": round(sum(c.cost_usd for c in diagnosis.llm_calls), 6),
        },
    )
