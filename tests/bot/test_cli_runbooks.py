"""`faultmaven runbooks …` and `faultmaven eval search` as a person runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import get_settings

CORPUS = {
    "net/DnsFailing.md": "---\ntitle: DNS failing\n---\n# DnsFailing\n## Meaning\nNXDOMAIN for names\n",
    "disk/DiskFull.md": "# Disk full\n## Symptoms\nno space left on device\n## Fix\ndelete old logs\n",
}


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    corpus = tmp_path / "corpus"
    for rel, text in CORPUS.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_text(text)
    monkeypatch.setenv("FAULTMAVEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FAULTMAVEN_EMBEDDING", "none")  # keyword-only keeps this test fast
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield corpus
    get_settings.cache_clear()


def test_import_then_search_json_then_reindex_and_export(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runbooks", "import", str(cli_env)]) == 0
    assert "2 created" in capsys.readouterr().out

    assert main(["runbooks", "search", "no space left on device", "-k", "1", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found[0]["source_path"] == "disk/DiskFull.md"
    assert found[0]["id"].startswith("RB-")

    assert main(["runbooks", "reindex"]) == 0
    assert "reindexed 2" in capsys.readouterr().out
    assert main(["runbooks", "export", "--out", "out"]) == 0
    exported = sorted(p.name for p in (cli_env.parent / "out").iterdir())
    assert len(exported) == 2 and exported[0].startswith("RB-")


def test_eval_search_prints_recall_and_mrr(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries = cli_env.parent / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "1", "query": "disk is full", "expected_runbook": "disk/DiskFull.md"})
        + "\n"
        + json.dumps(
            {"id": "2", "query": "nxdomain", "expected_runbook": "net/DnsFailing.md", "kind": "symptom"}
        )
        + "\n"
    )

    assert main(["eval", "search", "--queries", str(queries), "--corpus", str(cli_env)]) == 0

    out = capsys.readouterr().out
    assert "R@1" in out and "MRR" in out
    assert "all                bm25       2  1.000" in out


def test_eval_search_runs_several_corpora_on_one_split_and_reuses_cached_document_vectors(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAULTMAVEN_EMBEDDING", "minilm-int8")
    get_settings.cache_clear()
    queries = cli_env.parent / "q.jsonl"
    lines = [
        {"id": "1", "query": "disk is full", "expected_runbook": "disk/DiskFull.md", "split": "dev"},
        {
            "id": "2",
            "query": "names do not resolve",
            "expected_runbook": "net/DnsFailing.md",
            "split": "test",
        },
    ]
    queries.write_text("".join(json.dumps(line) + "\n" for line in lines))
    args = ["eval", "search", "--split", "dev", "--queries", str(queries), "--corpus", str(cli_env)]
    args += ["--queries", str(queries), "--corpus", str(cli_env)]

    assert main(args) == 0
    first = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)

    assert first.count("1 queries (dev split) against") == 2
    assert "(2 of 2 documents embedded)" in first, "a cold cache embeds every document once"
    assert "(0 of 2 documents embedded)" in first, "the second corpus is the same files"
    assert "search eval:" in first and "dev/" not in first, "one split: no rows repeating 'all'"
    assert [r["embedded"] for r in second] == [0, 0] and second[0]["queries"] == 1
    assert second[0]["figures"]["all"]["hybrid"]["recall@1"] == 1.0
    cached = list((cli_env.parent / "data" / "embedding-cache").glob("*/corpus.npz"))
    assert len(cached) == 1


def test_eval_search_says_what_is_wrong_with_its_arguments(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = cli_env.parent / "q.jsonl"
    queries.write_text("")

    unpaired = [
        "eval",
        "search",
        "--queries",
        str(queries),
        "--queries",
        str(queries),
        "--corpus",
        str(cli_env),
    ]
    assert main(unpaired) == 2
    assert "one --corpus for each --queries" in capsys.readouterr().err
    assert main(["eval", "search", "--queries", str(queries), "--corpus", "no/such/corpus"]) == 2
    assert "not a folder: no/such/corpus" in capsys.readouterr().err
