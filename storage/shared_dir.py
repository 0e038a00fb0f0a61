"""Several processes on one machine sharing an embedded Chroma directory: one writer at a time.

Embedded Chroma is not process-safe: two writers can interleave index files, and a reader keeps its
HNSW index in memory, never seeing what other processes add. Writers hold an exclusive `flock` and
bump a generation file; readers hold a shared lock, and reopen their client when the generation moved.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SharedDirectory:
    """Advisory locks and a change marker for one directory, safe across processes and threads."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._generation_path = directory / ".faultmaven-generation"
        self._fd = os.open(directory / ".faultmaven-lock", os.O_RDWR | os.O_CREAT, 0o600)
        # flock is per open file; threads of this process share it, so they also take this mutex.
        self._mutex = threading.RLock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive: no other process reads or writes meanwhile (call `bump` before leaving)."""
        with self._mutex:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Shared with other readers, never during a write."""
        with self._mutex:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def generation(self) -> str:
        """Changes whenever any process finished a write (read under a lock)."""
        try:
            return self._generation_path.read_text(encoding="ascii")
        except FileNotFoundError:
            return ""

    def bump(self) -> str:
        """Mark the directory changed (inside `writing`); returns the new generation."""
        generation = uuid.uuid4().hex
        temporary = self._generation_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(generation, encoding="ascii")
        os.replace(temporary, self._generation_path)
        return generation

    def close(self) -> None:
        """Release the lock file (the store is unusable afterwards)."""
        os.close(self._fd)
