# runware-testkit developer entry points. Everything installs into .venv from a bare Python >= 3.11.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test serve schemas lint bench soak clean install dist

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check --quiet src tests $(wildcard bench)
	$(BIN)/python -m pytest -n 2 -q

serve: $(STAMP)
	$(BIN)/runware-testkit serve

schemas: $(STAMP)
	$(BIN)/runware-testkit generate --sources contract/sources.json --out schemas

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py

soak: $(STAMP)
	$(BIN)/python -m pytest tests/reliability -q --soak -m soak

clean:
	rm -rf $(VENV) build dist .pytest_cache

# The wheel a release would upload, in dist/ (tests/distribution builds its own copy).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --no-deps --quiet -w dist .
