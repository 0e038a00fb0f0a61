"""A case's audit trail as files people download: JSON lines for tools, a markdown timeline for humans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.blocks.mrkdwn import escape
from engine.redaction import redact, redact_value
from storage.audit import AuditRecord, canonical_json

MAX_TEXT = 300


def to_jsonl(records: list[AuditRecord]) -> str:
    """One canonical JSON object per entry, oldest first, with the seq and hash that chain it."""
    lines = [
        canonical_json(
            {
                "seq": r.seq,
                "at": r.at.isoformat(),
                "case_id": r.case_id,
                "kind": r.kind,
                "actor": r.actor,
                # Redacted when written; redacting again only matters for entries older than that.
                "data": redact_value(r.data),
                "hash": r.hash,
            }
        )
        for r in records
    ]
    return "".join(line + "\n" for line in lines)


def _clip(value: Any) -> str:
    # Entries written before intake redaction may still hold secrets; the file is read in Slack.
    text = escape(redact(" ".join(str(value).split())))
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _diagnosis(d: dict[str, Any]) -> str:
    engine = d.get("engine", "?") + (f" / {d['model']}" if d.get("model") else "")
    line = f"{str(d.get('turn', '')).capitalize()} diagnosis by {engine}: {d.get('category', '?')}"
    if d.get("top_hypothesis"):
        line += f", top hypothesis “{_clip(d['top_hypothesis'])}”"
        if isinstance(d.get("confidence"), int | float):
            line += f" ({d['confidence']:.0%})"
    if d.get("llm_calls"):
        line += (
            f"; {d.get('input_tokens', 0)} tokens in, {d.get('output_tokens', 0)} out, "
            f"${d.get('cost_usd', 0):.4f}"
        )
    return line


def _incident(d: dict[str, Any]) -> str:
    change = f"{d.get('status_before') or 'new'} → {d.get('status')}, {d.get('event')}"
    return f"{d.get('source')} {d.get('external_id')} ({change}): {_clip(d.get('title', ''))}"


_SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "case_opened": lambda d: (
        f"Case opened: “{_clip(d.get('title', ''))}” ({d.get('severity')}, via {d.get('source')})"
    ),
    "message": lambda d: f"Message: {_clip(d.get('text', ''))}",
    "diagnosis": _diagnosis,
    "case_resolved": lambda d: f"Resolved: {_clip(d.get('summary', ''))}",
    "incident_opened": lambda d: "Incident opened: " + _incident(d),
    "incident_updated": lambda d: "Incident updated: " + _incident(d),
    "incident_resolved": lambda d: "Incident resolved: " + _incident(d),
    "audit_exported": lambda d: f"Audit trail exported ({d.get('entries')} entries)",
}


def describe(record: AuditRecord) -> str:
    """One readable line about an entry; kinds without a template list their fields."""
    summary = _SUMMARIES.get(record.kind)
    if summary is not None:
        return summary(record.data)
    if record.kind.startswith("runbook_"):
        verb = record.kind.removeprefix("runbook_")
        return f"Runbook {record.data.get('runbook')} {verb}: {_clip(record.data.get('title', ''))}"
    fields = ", ".join(f"{key}={_clip(value)}" for key, value in sorted(record.data.items()))
    return f"{record.kind.replace('_', ' ').capitalize()}" + (f": {fields}" if fields else "")


def to_markdown(case_ref: str, title: str, records: list[AuditRecord]) -> str:
    """A timeline, one bullet per entry, oldest first."""
    lines = [
        f"# Audit trail · {case_ref}",
        "",
        f"**{_clip(title)}** · {len(records)} entries",
        "",
        "Entries are hash-chained across the whole log; `faultmaven audit verify` checks the chain. "
        "The JSON lines file carries each entry's seq and hash.",
        "",
    ]
    for r in records:
        when = r.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"- **{when}** · #{r.seq} · {_clip(r.actor)} · {describe(r)}")
    return "\n".join(lines) + "\n"
