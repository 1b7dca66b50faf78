# Every target sets up .venv first when it is missing or pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# torch goes in first, pinned to the CPU build these machines serve from disk (see README); left to
# sentence-transformers, pip would pick a multi-GB CUDA build.
TORCH_VERSION := 2.13.0

.PHONY: run demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claimwatch needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'torch==$(TORCH_VERSION)'
	$(BIN)/python -m pip install --quiet -e '.[semantic,workers,parquet,browse,test,bench]'
	touch $(STAMP)

run: $(STAMP)  ## one full cycle (fetch → analyze → store) into ./data/claimwatch.db
	$(BIN)/claimwatch run --once

demo: $(STAMP)  ## the same cycle over a sample corpus served on loopback (no network needed)
	$(BIN)/claimwatch demo

test: $(STAMP)  ## the test suite (PostgreSQL too when CLAIMWATCH_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff: pyflakes, pycodestyle errors, import order, bugbear
	$(BIN)/ruff check config ingest nlp store jobs tests benchmarks

SHARED ?= ../shared
bench: $(STAMP)  ## every benchmark; figures and ratios in docs/performance.md (about three hours on 2 cores)
	$(BIN)/python benchmarks/ingest_bench.py --feeds 80 --entries 25
	$(BIN)/python benchmarks/cycle_bench.py --feeds 80 --entries 25
	$(BIN)/python benchmarks/cycle_bench.py --feeds 2000 --entries 1 --reps 1
	$(BIN)/python benchmarks/analyze_bench.py $(wildcard $(SHARED)/gold/seed_article.txt)
	$(BIN)/python benchmarks/export_bench.py
	$(BIN)/python benchmarks/memory_bench.py
	$(BIN)/python benchmarks/workers_bench.py $(wildcard $(SHARED)/gold/seed_article.txt)
	$(BIN)/python benchmarks/worker_memory_bench.py
	$(BIN)/python benchmarks/scale_bench.py
	$(BIN)/python benchmarks/scale_bench.py --database-url $${CLAIMWATCH_BENCH_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
	@if [ -d $(SHARED)/eval/claim-retrieval-dev ]; then \
	  $(BIN)/python benchmarks/claim_retrieval_eval.py $(SHARED)/eval/claim-retrieval-dev && \
	  $(BIN)/python benchmarks/factcheck_scale_bench.py $(SHARED)/eval/claim-retrieval-dev; \
	else echo "skipping the fact-check benchmarks: no $(SHARED)/eval/claim-retrieval-dev"; fi
	$(BIN)/python benchmarks/eval_news.py
	@if [ -d $(SHARED)/eval/checkworthiness-dev ]; then \
	  $(BIN)/python benchmarks/train_checkworthiness.py $(SHARED)/eval/checkworthiness-dev; \
	else echo "skipping the check-worthiness evaluation: no $(SHARED)/eval/checkworthiness-dev"; fi

clean:
	rm -rf $(VENV) demo-data .pytest_cache
