"""Print a TEST_DATABASE_URL when a local PostgreSQL answers (used by `make test`), else nothing."""

import psycopg

for user in ("postgres", "root"):
    try:
        with psycopg.connect(f"postgresql://{user}@127.0.0.1:5432/test", connect_timeout=2):
            print(f"postgresql+psycopg://{user}@127.0.0.1:5432/test")
            break
    except psycopg.Error:
        continue
