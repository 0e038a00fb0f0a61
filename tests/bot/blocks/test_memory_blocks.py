"""'Seen before' lines: at most two, links to threads, text we did not write escaped."""

from __future__ import annotations

import json
from pathlib import Path

from bot.blocks.memory import MemoryView, SeenBeforeLine, build_memory_blocks
from tests.snapshots import assert_matches_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"


def as_json(view: MemoryView) -> list[dict[str, object]]:
    return [b.to_dict() for b in build_memory_blocks(view)]


def line(ref: str, fix: str, link: str | None = "https://example.slack.com/archives/C1/p1") -> SeenBeforeLine:
    return SeenBeforeLine(ref=ref, link=link, ago_s=3 * 86400, level="L1", stated_fix=fix, took_s=42 * 60)


def test_memory_blocks_snapshot() -> None:
    view = MemoryView(
        seen=[line("FM-3", "raised maxmemory to 4gb"), line("FM-9", "set allkeys-lru", link=None)],
        recurrence="This is the 4th time in 30 days (every Monday around 09:00 UTC).",
    )
    assert_matches_snapshot(SNAPSHOTS, "memory_seen_before", as_json(view))


def test_at_most_two_lines_and_user_text_is_escaped() -> None:
    view = MemoryView(seen=[line(f"FM-{n}", "<!here> & <http://evil|click>") for n in range(3)])
    text = json.dumps(as_json(view))
    assert text.count("Seen before") == 2
    assert "&lt;!here&gt; &amp; &lt;http://evil|click&gt;" in text and "<!here>" not in text


def test_nothing_to_remember_adds_no_block() -> None:
    assert as_json(MemoryView()) == []
