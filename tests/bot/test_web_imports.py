"""The web process stays small: what `faultmaven serve` imports never includes the search stack."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.cli_runbooks import SEARCH_MODES
from engine.search.hybrid import SearchMode

# Loading these costs the web process tens of MiB (the model alone ~90); only workers search.
WORKER_ONLY = ("chromadb", "onnxruntime", "tokenizers", "numpy", "bm25s", "anthropic")

SERVE_IMPORTS = """
import json, sys
import bot.cli, uvicorn
from bot.app import create_app
from bot.metrics import instrument_web_app
from bot.services import build_services
from bot.web import create_web_app
print(json.dumps(sorted(sys.modules)))
"""


def test_serve_imports_no_embedding_model_vector_store_or_llm_sdk() -> None:
    out = subprocess.run([sys.executable, "-c", SERVE_IMPORTS], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))

    assert [name for name in WORKER_ONLY if name in loaded] == []


def test_runbook_search_modes_offered_by_the_cli_are_the_engines() -> None:
    assert tuple(mode.value for mode in SearchMode) == SEARCH_MODES
