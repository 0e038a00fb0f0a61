"""The one concise thread line each incident event deserves ("Acknowledged by Jane (PagerDuty) 14:03")."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.blocks.mrkdwn import escape
from jobs.incidents.payloads import IncidentUpdate

SOURCE_LABEL = {"pagerduty": "PagerDuty", "alertmanager": "Alertmanager"}


def slack_time(moment: datetime) -> str:
    """A time Slack shows in each reader's own timezone, with a UTC fallback."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = aware.astimezone(UTC).strftime("%H:%M UTC")
    return f"<!date^{int(aware.timestamp())}^{{time}}|{fallback}>"


def thread_line(update: IncidentUpdate, previous_firing: list[str] | None) -> str | None:
    """What to say in the thread about this event; None when it adds nothing."""
    source = SOURCE_LABEL.get(update.source, escape(update.source))
    when = slack_time(update.occurred_at)
    by = f" by {escape(update.actor)}" if update.actor else ""
    to = escape(", ".join(update.assignees) or "nobody")
    kind = update.kind
    if kind == "firing":
        return _firing_line(update.firing, previous_firing or [], when)
    lines = {
        "acknowledged": f"👀 Acknowledged{by} ({source}) {when}",
        "unacknowledged": f"↩️ Unacknowledged ({source}) {when}",
        "escalated": f"⏫ Escalated to {to} ({source}) {when}",
        "reassigned": f"👤 Reassigned to {to}{by} ({source}) {when}",
        "priority_updated": f"🏷️ Priority {escape(update.priority or 'cleared')}{by} ({source}) {when}",
        "resolved": f"✅ Resolved{by} ({source}) {when}",
        "reopened": f"🔁 Reopened{by} ({source}) {when}",
        "annotated": f"📝 Note{by} ({source}) {when}: {escape((update.note or '').strip()[:300])}",
    }
    return lines.get(kind)


def _firing_line(firing: list[str], previous: list[str], when: str) -> str | None:
    new, gone = set(firing) - set(previous), set(previous) - set(firing)
    if not new and not gone:
        return None  # a repeated notification: nothing changed, say nothing
    changes = [f"+{len(new)} new" if new else "", f"{len(gone)} resolved" if gone else ""]
    detail = ", ".join(c for c in changes if c)
    return f"🔥 {len(firing)} alert{'s' if len(firing) != 1 else ''} firing ({detail}) (Alertmanager) {when}"
