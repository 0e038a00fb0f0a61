"""Apply Alembic migrations programmatically (serve, worker and up call this on start)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number: all FaultMaven processes agree on it to serialise schema changes.
_PG_MIGRATION_LOCK = 4_242_001


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@contextmanager
def _migration_lock(database_url: str) -> Iterator[None]:
    """Web and worker start together (Procfile): only one may migrate at a time."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_path = Path(f"{url.database}.migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        return
    if url.get_backend_name() == "postgresql":
        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK})
        finally:
            engine.dispose()
        return
    yield


def upgrade(database_url: str) -> None:
    """Bring the schema to the one head revision (a test keeps it to one)."""
    with _migration_lock(database_url):
        command.upgrade(alembic_config(database_url), "head")


def migration_heads() -> list[str]:
    """The head revisions of our migration scripts: exactly one when the history is sound."""
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
