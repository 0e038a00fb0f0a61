"""Snapshot assertions for Block Kit JSON: UPDATE_SNAPSHOTS=1 rewrites them after a deliberate change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def assert_matches_snapshot(folder: Path, name: str, data: Any) -> None:
    path = folder / f"{name}.json"
    rendered = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered)
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and review the file"
    assert path.read_text() == rendered, f"{path.name} changed: review, then UPDATE_SNAPSHOTS=1"
