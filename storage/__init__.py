"""Persistence: SQLAlchemy models, repositories, migrations. Imports nothing else of ours."""
