"""`faultmaven runbooks import|export|search|reindex|list` and `faultmaven eval search`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.cli_eval_search import add_search_eval_parser
from bot.settings import Settings
from engine.runbooks.markdown import render_runbook_markdown
from engine.runbooks.models import RunbookSource
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.runbooks import RunbookRepository

# The search stack (numpy, bm25s, Chroma, the model) is imported where a library is built:
# `faultmaven serve` builds this parser too, and the web process must stay small.
if TYPE_CHECKING:
    from jobs.runbooks.library import RunbookLibrary

# engine.search.hybrid.SearchMode's values (a test keeps them equal), without importing bm25s here.
SEARCH_MODES = ("hybrid", "bm25", "vector")

SHIPPED_RUNBOOKS = Path(__file__).resolve().parents[1] / "runbooks"
# bm25s logs every index build at DEBUG on its own logger.
logging.getLogger("bm25s").setLevel(logging.WARNING)


def shipped_runbooks_dir(settings: Settings) -> Path:
    """FAULTMAVEN_RUNBOOKS_DIR, or the library in this repository."""
    return settings.faultmaven_runbooks_dir or SHIPPED_RUNBOOKS


def build_runbook_library(settings: Settings, db: Engine) -> RunbookLibrary:
    """SQL repository, embedder and Chroma store (embedded, or CHROMA_URL) wired together."""
    from bot.engines import build_embedder
    from jobs.runbooks.library import RunbookLibrary
    from storage.vector_store import ChromaVectorStore, make_chroma_client

    repo = RunbookRepository(make_session_factory(db))
    embedder = build_embedder(settings)
    vectors = None
    if embedder is not None:
        if settings.chroma_url:
            client = make_chroma_client(settings.faultmaven_data_dir, settings.chroma_url)
            vectors = ChromaVectorStore(client, embedder.embed, embedder.name)
        else:
            # Several worker processes share the embedded store: locked writes, refreshing readers.
            vectors = ChromaVectorStore.embedded(settings.faultmaven_data_dir, embedder.embed, embedder.name)
    return RunbookLibrary(repo, embedder, vectors)


def load_runbook_library(settings: Settings, db: Engine) -> RunbookLibrary:
    """The library; on first start the shipped runbooks are imported in the background.

    Embedding the library takes seconds, so the worker starts taking jobs at once; searches see the
    runbooks as soon as they are stored.
    """
    library = build_runbook_library(settings, db)

    def load() -> None:
        report = library.ensure_library(shipped_runbooks_dir(settings))
        if report is not None:
            print(f"loaded the shipped runbook library: {report.summary()}", file=sys.stderr)

    threading.Thread(target=load, name="runbook-library", daemon=True).start()
    return library


def _library(settings: Settings) -> RunbookLibrary:
    upgrade(settings.resolved_database_url)
    return build_runbook_library(settings, make_engine(settings.resolved_database_url))


def cmd_runbooks_import(settings: Settings, args: argparse.Namespace) -> int:
    folder = Path(args.path)
    if not folder.is_dir():
        print(f"not a folder: {folder}", file=sys.stderr)
        return 2
    shipped = folder.resolve() == shipped_runbooks_dir(settings).resolve()
    source = RunbookSource.LIBRARY if shipped else RunbookSource(args.source)
    report = _library(settings).import_folder(folder, source)
    print(f"imported {folder}: {report.summary()}")
    return 0


def cmd_runbooks_export(settings: Settings, args: argparse.Namespace) -> int:
    library = _library(settings)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = library.repo.find()
    for row in rows:
        runbook = library.get(row.id)
        assert runbook is not None
        (out / f"{runbook.ref}.md").write_text(
            render_runbook_markdown(runbook, runbook.ref), encoding="utf-8"
        )
    print(f"exported {len(rows)} runbooks to {out}")
    return 0


def cmd_runbooks_search(settings: Settings, args: argparse.Namespace) -> int:
    from engine.search.hybrid import SearchMode

    results = _library(settings).search(args.query, k=args.k, mode=SearchMode(args.mode))
    if args.json:
        rows = [
            {
                "id": r.runbook.ref,
                "title": r.runbook.title,
                "score": round(r.hit.score, 5),
                "similarity": None if r.hit.similarity is None else round(r.hit.similarity, 4),
                "source_path": r.runbook.source_path,
            }
            for r in results
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not results:
        print("no runbook matches")
    for n, r in enumerate(results, start=1):
        print(f"{n}. {r.runbook.ref}  {r.runbook.title}  (score {r.hit.score:.4f})")
    return 0


def cmd_runbooks_reindex(settings: Settings, _args: argparse.Namespace) -> int:
    count = _library(settings).reindex()
    print(f"reindexed {count} active runbooks")
    return 0


def cmd_runbooks_list(settings: Settings, _args: argparse.Namespace) -> int:
    library = _library(settings)
    for row in library.repo.find():
        print(f"RB-{row.id:04d}  v{row.version}  {row.status:<14} {row.source:<9} {row.title}")
    return 0


def add_runbook_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Attach `runbooks …` and `eval search` to the CLI."""
    runbooks = sub.add_parser("runbooks", help="import, export, search and reindex runbooks")
    rb = runbooks.add_subparsers(dest="runbooks_command", required=True)
    imp = rb.add_parser("import", help="import a folder of markdown runbooks")
    imp.add_argument("path")
    imp.add_argument("--source", default="imported", choices=[s.value for s in RunbookSource])
    imp.set_defaults(func=cmd_runbooks_import)
    exp = rb.add_parser("export", help="write every runbook as markdown")
    exp.add_argument("--out", default="runbooks-export")
    exp.set_defaults(func=cmd_runbooks_export)
    search = rb.add_parser("search", help="hybrid search over active runbooks")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.add_argument("--mode", default="hybrid", choices=SEARCH_MODES)
    search.set_defaults(func=cmd_runbooks_search)
    rb.add_parser("reindex", help="rebuild the vector index from SQL").set_defaults(func=cmd_runbooks_reindex)
    rb.add_parser("list", help="every runbook with its status").set_defaults(func=cmd_runbooks_list)
    # `eval` may already exist (`eval diagnosis`); join it rather than clash.
    ev = sub.choices.get("eval") or sub.add_parser("eval", help="measure engines on labelled data")
    existing = [a for a in ev._actions if isinstance(a, argparse._SubParsersAction)]
    evs = existing[0] if existing else ev.add_subparsers(dest="eval_command", required=True)
    add_search_eval_parser(evs)
