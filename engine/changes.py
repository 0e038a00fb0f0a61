"""What moved between two diagnoses of the same case, so a follow-up shows the delta, not everything."""

from __future__ import annotations

from engine.models import Diagnosis

# Confidence moves smaller than this are noise, not news.
MIN_CONFIDENCE_MOVE = 0.05
NO_CHANGE = "No change: the new message did not move the diagnosis"


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
        lines.append(NO_CHANGE)
    return lines[:5]


def shows_nothing_new(previous: Diagnosis | None, current: Diagnosis) -> bool:
    """True when a follow-up would repeat the thread: no move in the ranking, no new check or action."""
    if previous is None or describe_changes(previous, current) != [NO_CHANGE]:
        return False
    seen_checks = {c for h in previous.hypotheses for c in h.checks} | set(previous.next_steps)
    checks = {c for h in current.hypotheses for c in h.checks} | set(current.next_steps)
    seen_actions = {a.title for a in previous.recommended_actions}
    actions = {a.title for a in current.recommended_actions}
    return (
        checks <= seen_checks
        and actions <= seen_actions
        and set(current.questions) <= set(previous.questions)
    )
