# runware-testkit developer entry points. Everything installs into .venv from a bare Python >= 3.11.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test serve schemas lint bench soak clean install dist chromium screenshots

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the Inspector's browser tests (tests/fake_server/inspector/): installed
# with apt-get when no Chromium is found and this is root with apt-get; otherwise (or if the
# install fails, remembered in $(CHROMIUM_FAILED)) nothing happens and those tests skip.
CHROMIUM_FAILED := $(VENV)/.chromium-unavailable

chromium: | $(BIN)/python
	@if [ -n "$$RUNWARE_TESTKIT_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 \
	  || command -v chromium-browser >/dev/null 2>&1 || [ -e $(CHROMIUM_FAILED) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null; } \
	  || { touch $(CHROMIUM_FAILED); echo "chromium not installed: browser tests will skip"; }; \
	else echo "no chromium (and no apt-get as root): the browser tests will skip"; fi

test: $(STAMP) chromium
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

# The Inspector's screenshots shown in the README (docs/screenshots/*.png).
screenshots: $(STAMP) chromium
	$(BIN)/python docs/screenshots/take.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

# The wheel a release would upload, in dist/ (tests/distribution builds its own copy).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --no-deps --quiet -w dist .
