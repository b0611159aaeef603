# Every target creates (or reuses) .venv from a bare python3; nothing else needs installing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB := data/demo.duckdb

.PHONY: demo test bench lint clean

# -qq: errors only (setuptools' boxed note about editable installs is no problem of yours)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "installing provtrack and its dependencies into $(VENV) (the first time takes about half a minute)"
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[dev,bench]'
	touch $(STAMP)

demo: $(STAMP)  ## serve the sample web on 127.0.0.1, collect and link it, print what was found
	$(BIN)/provtrack --db $(DEMO_DB) demo

# Three pytest-xdist workers on two cores: the suite waits on local servers, crawls and killed processes,
# so a third worker fills the cores (measured on a 2-core machine: 9:50 with two workers, 9:05 with
# three). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3
test: $(STAMP)  ## the offline test suite (reads ../shared/corpora when present)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

bench: $(STAMP)  ## quality and speed benchmarks; print scores and ratios
	$(BIN)/python tests/bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info $(DEMO_DB) $(DEMO_DB).wal $(DEMO_DB).lock
