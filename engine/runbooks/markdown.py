"""Markdown in and out: tolerant of the headings and front matter real runbook folders use."""

from __future__ import annotations

import re
from typing import Any

import yaml

from engine.runbooks.models import SECTION_TITLES, RunbookDraft, RunbookSections

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")

# Heading words → section. Checked in order; the first keyword found in a heading wins.
_SECTION_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("root_cause", ("root cause", "cause", "why")),
    ("prevention", ("prevent", "follow-up", "follow up", "long-term", "long term", "lessons")),
    (
        "diagnosis_steps",
        ("diagnos", "playbook", "investigat", "troubleshoot", "triage", "debug", "check", "identify"),
    ),
    (
        "solution",
        (
            "solution",
            "mitigat",
            "resolution",
            "remediat",
            "fix",
            "recover",
            "workaround",
            "rollback",
            "resolve",
        ),
    ),
    (
        "problem_summary",
        ("problem", "summary", "meaning", "impact", "overview", "description", "symptom", "context", "alert"),
    ),
]


def section_for_heading(heading: str) -> str | None:
    """Which of the five sections a heading names, if any."""
    lowered = heading.lower()
    for section, keywords in _SECTION_KEYWORDS:
        if any(k in lowered for k in keywords):
            return section
    return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (empty when missing or unreadable) and the body after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        loaded = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        loaded = None
    return (loaded if isinstance(loaded, dict) else {}), text[match.end() :]


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every heading outside code fences."""
    found = []
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            found.append((index, len(match.group(1)), match.group(2).strip()))
    return found


def parse_runbook_markdown(text: str, fallback_title: str = "Untitled runbook") -> RunbookDraft:
    """Read one markdown runbook: front matter, a title, and whatever section headings it uses."""
    meta, body = split_front_matter(text.replace("\r\n", "\n"))
    lines = body.split("\n")
    headings = _headings(lines)
    h1 = next((h for h in headings if h[1] == 1), None)
    title = str(meta.get("title") or (h1[2] if h1 else fallback_title)).strip()
    rest = [h for h in headings if h is not h1]
    level = min((h[1] for h in rest), default=0)
    section_heads = [h for h in rest if h[1] == level]
    parts: dict[str, list[str]] = {name: [] for name in SECTION_TITLES}
    extra: list[str] = []
    if h1 is not None and h1[2] != title:
        extra.append(h1[2])  # an alert name like NodeRAIDDegraded is worth matching on
    first = section_heads[0][0] if section_heads else len(lines)
    preamble = "\n".join(line for i, line in enumerate(lines[:first]) if h1 is None or i != h1[0]).strip()
    for n, (start, _level, heading) in enumerate(section_heads):
        end = section_heads[n + 1][0] if n + 1 < len(section_heads) else len(lines)
        content = "\n".join(lines[start + 1 : end]).strip()
        section = section_for_heading(heading)
        if section is None:
            extra.append(f"{heading}\n{content}".strip())
        elif content:
            parts[section].append(content)
    if preamble:
        parts["problem_summary"].insert(0, preamble)
    sections = RunbookSections(**{name: "\n\n".join(chunks) for name, chunks in parts.items()})
    return RunbookDraft(
        title=title,
        sections=sections,
        services=_as_list(meta.get("services") or meta.get("service")),
        categories=_as_list(meta.get("categories") or meta.get("category")),
        tags=_as_list(meta.get("tags")),
        severity=str(meta["severity"]) if meta.get("severity") else None,
        extra="\n\n".join(extra),
    )


def render_runbook_markdown(runbook: RunbookDraft, ref: str | None = None) -> str:
    """Front matter, title and the five `##` sections: what `parse_runbook_markdown` reads back."""
    meta: dict[str, Any] = {"title": runbook.title}
    if ref:
        meta["id"] = ref
    for key in ("services", "categories", "tags"):
        if getattr(runbook, key):
            meta[key] = list(getattr(runbook, key))
    if runbook.severity:
        meta["severity"] = runbook.severity
    out = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip(), "---", ""]
    out += [f"# {runbook.title}", ""]
    for name, heading in SECTION_TITLES.items():
        out += [f"## {heading}", getattr(runbook.sections, name).strip(), ""]
    if runbook.extra.strip():
        out += ["## Notes", runbook.extra.strip(), ""]
    return "\n".join(out)
