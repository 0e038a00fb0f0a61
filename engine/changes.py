"""What moved between two diagnoses of the same case, so a follow-up shows the delta, not everything."""

from __future__ import annotations

from engine.models import Diagnosis

# Confidence moves smaller than this are noise, not news.
MIN_CONFIDENCE_MOVE = 0.05


def describe_changes(previous: Diagnosis | None, current: Diagnosis) -> list[str]:
    """Short lines to scan: category switch, new leader, confidence moves, new or dropped causes."""
    if previous is None:
        return []
    lines: list[str] = []
    if previous.category != current.category:
        lines.append(
            f"Category changed: {previous.category.value.replace('_', ' ')} → "
            f"{current.category.value.replace('_', ' ')}"
        )
    before = {h.cause: h.confidence for h in previous.hypotheses}
    after = {h.cause: h.confidence for h in current.hypotheses}
    if (
        previous.hypotheses
        and current.hypotheses
        and previous.hypotheses[0].cause != current.hypotheses[0].cause
    ):
        lines.append(f"New leading hypothesis: {current.hypotheses[0].cause}")
    for cause, confidence in after.items():
        if cause not in before:
            if not lines or not lines[-1].endswith(cause):
                lines.append(f"New hypothesis: {cause} ({round(confidence * 100)}%)")
            continue
        move = confidence - before[cause]
        if abs(move) >= MIN_CONFIDENCE_MOVE:
            arrow = "↑" if move > 0 else "↓"
            lines.append(f"{arrow} {cause}: {round(before[cause] * 100)}% → {round(confidence * 100)}%")
    dropped = [cause for cause in before if cause not in after]
    lines.extend(f"No longer considered: {cause}" for cause in dropped[:2])
    if not lines:
        lines.append("No change: the new message did not move the diagnosis")
    return lines[:5]
