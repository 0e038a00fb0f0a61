"""Markdown import copes with the headings real folders use; export reads back the same runbook."""

from __future__ import annotations

from pathlib import Path

from engine.runbooks.markdown import parse_runbook_markdown, render_runbook_markdown, section_for_heading

SHIPPED = Path(__file__).resolve().parents[3] / "runbooks"

ALERT_STYLE = """---
title: Node RAID Degraded
weight: 20
---

# NodeRAIDDegraded

## Meaning

RAID array is degraded.

## Impact

The node could go offline.

## Diagnosis

```shell
# not a heading inside a fence
cat /proc/mdstat
```

## Mitigation

Cordon and drain the node.
"""

NO_FRONT_MATTER = """# ECS task stuck in Pending

Some intro text.

## Playbook
1. Check capacity.

## Resolution
Scale the cluster.

## Weird extra heading
kept somewhere
"""


def test_alert_style_headings_map_onto_the_five_sections() -> None:
    draft = parse_runbook_markdown(ALERT_STYLE)

    assert draft.title == "Node RAID Degraded"
    assert "RAID array is degraded." in draft.sections.problem_summary
    assert "The node could go offline." in draft.sections.problem_summary
    assert "# not a heading inside a fence" in draft.sections.diagnosis_steps
    assert draft.sections.solution == "Cordon and drain the node."
    assert "NodeRAIDDegraded" in draft.extra


def test_missing_front_matter_uses_h1_and_keeps_unknown_sections() -> None:
    draft = parse_runbook_markdown(NO_FRONT_MATTER)

    assert draft.title == "ECS task stuck in Pending"
    assert draft.sections.problem_summary == "Some intro text."
    assert draft.sections.diagnosis_steps == "1. Check capacity."
    assert draft.sections.solution == "Scale the cluster."
    assert "kept somewhere" in draft.extra


def test_broken_front_matter_is_ignored_not_fatal() -> None:
    draft = parse_runbook_markdown("---\ntitle: [unclosed\n---\n# Disk full\n## Fix\nrm\n", "fallback")

    assert draft.title == "Disk full"
    assert draft.sections.solution == "rm"


def test_heading_words_pick_sections() -> None:
    assert section_for_heading("Root cause") == "root_cause"
    assert section_for_heading("How to prevent it") == "prevention"
    assert section_for_heading("Troubleshooting") == "diagnosis_steps"
    assert section_for_heading("Remediation") == "solution"
    assert section_for_heading("Appendix") is None


def test_every_shipped_runbook_round_trips_through_markdown() -> None:
    for path in sorted(SHIPPED.glob("*.md")):
        draft = parse_runbook_markdown(path.read_text())
        assert all(draft.sections.model_dump().values()), path.name
        assert parse_runbook_markdown(render_runbook_markdown(draft)) == draft, path.name
