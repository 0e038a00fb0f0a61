"""The migration history has one head, and it builds the whole schema on a fresh database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from storage.migrate import migration_heads, upgrade
from storage.models import Base


def test_the_migration_history_has_exactly_one_head() -> None:
    heads = migration_heads()
    assert len(heads) == 1, f"merge these migration heads into one: {heads}"


def test_upgrading_a_fresh_database_creates_every_mapped_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(url)  # a second start finds nothing to do
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
