"""What left the process or stayed in it: Slack calls and uploaded files, table rows, Redis values."""

from __future__ import annotations

import contextlib
import json
import zlib
from typing import Any

from redis import Redis
from sqlalchemy import Engine, inspect, text

from tests.fakes.slack_api import FakeSlackApi


def slack_texts(slack: FakeSlackApi, with_files: bool = True) -> list[str]:
    """Each recorded Web API call's parameters as JSON, plus the text of every uploaded file."""
    texts = [json.dumps(call.params, ensure_ascii=False) for call in slack.calls]
    if not with_files:
        return texts
    file_ids = {
        f["id"] for call in slack.calls_to("files.completeUploadExternal") for f in _files(call.params)
    }
    return texts + [slack.file_text(file_id) for file_id in sorted(file_ids)]


def _files(params: dict[str, Any]) -> list[dict[str, Any]]:
    files = params.get("files", [])
    return list(json.loads(files) if isinstance(files, str) else files)


def database_texts(engine: Engine) -> dict[str, str]:
    """Every table's rows, as text, keyed by table name."""
    dumped = {}
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            dumped[table] = "\n".join(str(tuple(row)) for row in rows)
    return dumped


def redis_texts(redis: Redis) -> list[str]:
    """Every value in Redis (RQ's job payloads are zlib-compressed JSON), decoded as far as possible."""
    found: list[str] = []
    for key in redis.scan_iter():
        kind = _as_bytes(redis.type(key)).decode()
        values: list[Any] = []
        if kind == "string":
            values = [redis.get(key) or b""]
        elif kind == "hash":
            values = list(redis.hgetall(key).values())
        elif kind == "list":
            values = list(redis.lrange(key, 0, -1))
        elif kind == "set":
            values = list(redis.smembers(key))
        elif kind == "zset":
            values = list(redis.zrange(key, 0, -1))
        found.extend(_decoded(_as_bytes(value)) for value in values)
    return found


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _decoded(value: bytes) -> str:
    with contextlib.suppress(zlib.error):
        value = zlib.decompress(value)
    return value.decode("utf-8", errors="replace")
