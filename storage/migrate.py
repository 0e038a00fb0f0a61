"""Apply Alembic migrations programmatically (serve, worker and up call this on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the schema to the newest revision of every branch.

    Features add their tables as independent branches off the base revision ("heads"), so parallel
    work never fights over one linear chain.
    """
    command.upgrade(alembic_config(database_url), "heads")
