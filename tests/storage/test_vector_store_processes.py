"""Several processes indexing and searching one embedded Chroma store: nothing lost or corrupted."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from storage.vector_store import ChromaVectorStore
from tests.storage.chroma_processes import MODEL, search_then_find_all, text_of, toy_embed, write_and_check

WRITERS = 3
READERS = 2
PER_WRITER = 25


def test_concurrent_writers_and_long_lived_readers_share_the_embedded_store(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")
    ready, writers_done = spawn.Event(), spawn.Event()
    expected = [f"w{w}-{n}" for w in range(WRITERS) for n in range(PER_WRITER)]
    writers = [
        spawn.Process(target=write_and_check, args=(tmp_path, w, PER_WRITER, ready)) for w in range(WRITERS)
    ]
    readers = [
        spawn.Process(target=search_then_find_all, args=(tmp_path, expected, ready, writers_done))
        for _ in range(READERS)
    ]
    # Readers open the store before anything is written: they must pick up others' writes.
    for process in readers + writers:
        process.start()
    ready.set()
    for process in writers:
        process.join(timeout=180)
    writers_done.set()
    for process in readers:
        process.join(timeout=180)

    assert [p.exitcode for p in writers + readers] == [0] * (WRITERS + READERS)
    store = ChromaVectorStore.embedded(tmp_path, toy_embed, MODEL)
    assert store.count() == WRITERS * PER_WRITER
    assert store.ids() == set(expected)
    assert all(store.nearest(toy_embed([text_of(d)])[0], 1)[0][0] == d for d in expected)


def test_a_reader_sees_a_rebuild_done_by_another_process(tmp_path: Path) -> None:
    reader = ChromaVectorStore.embedded(tmp_path, toy_embed, MODEL)
    writer = ChromaVectorStore.embedded(tmp_path, toy_embed, MODEL)
    writer.upsert(["old"], [text_of("old")])
    assert reader.nearest(toy_embed([text_of("old")])[0], 1)[0][0] == "old"

    writer.clear()
    writer.upsert(["new"], [text_of("new")])

    assert reader.ids() == {"new"}
    assert reader.nearest(toy_embed([text_of("old")])[0], 1)[0][0] == "new"
