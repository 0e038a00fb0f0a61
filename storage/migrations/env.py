"""Alembic environment: runs migrations online against the configured URL."""

from alembic import context
from sqlalchemy import pool

from storage.db import make_engine
from storage.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
connectable = make_engine(url) if url.startswith("sqlite") else None
if connectable is None:
    from sqlalchemy import create_engine

    connectable = create_engine(url, poolclass=pool.NullPool)

with connectable.connect() as connection:
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=url.startswith("sqlite")
    )
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
