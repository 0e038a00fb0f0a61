"""Imports go one way: bot → handlers → jobs → engine, storage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "jobs", "engine", "storage")
# What each package may import of ours (besides itself). jobs and handlers render with bot.blocks/bot.ids.
ALLOWED = {
    "bot": {"handlers", "jobs", "engine", "storage"},
    "handlers": {"jobs", "engine", "bot.blocks", "bot.ids"},
    "jobs": {"engine", "storage", "bot.blocks", "bot.ids"},
    "engine": set(),
    "storage": set(),
}
FORBIDDEN_THIRD_PARTY = {"engine": {"slack_sdk", "slack_bolt", "rq", "redis"}, "storage": {"slack_sdk", "rq"}}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(root: Path = ROOT) -> list[str]:
    bad = []
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            for name in imports_of(path):
                top = name.split(".")[0]
                allowed = any(name == a or name.startswith(a + ".") or top == a for a in ALLOWED[package])
                if top in PACKAGES and top != package and not allowed:
                    bad.append(f"{path.relative_to(root)} imports {name}")
                if top in FORBIDDEN_THIRD_PARTY.get(package, set()):
                    bad.append(f"{path.relative_to(root)} imports {name}")
    return bad


def test_imports_point_one_way() -> None:
    assert violations() == []


def test_the_guard_catches_wrong_way_imports(tmp_path: Path) -> None:
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "x.py").write_text("from bot.app import create_app\nimport slack_sdk\n")
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "y.py").write_text("from engine.models import Diagnosis\n")

    assert sorted(violations(tmp_path)) == [
        "engine/x.py imports bot.app",
        "engine/x.py imports slack_sdk",
        "storage/y.py imports engine.models",
    ]
