# Podium: two commands do everything on a fresh machine.
#   make run   — set up (system packages, .venv, models, database) and start the server on :8080
#   make test  — same set-up, then ruff, mypy and the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.podium-installed
SYSTEM_PACKAGES := espeak-ng sox chromium
PYTEST_ARGS ?=

.PHONY: run test setup system-deps models db lint typecheck bench clean

run: setup
	$(BIN)/podium serve

test: setup lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-deps $(STAMP) models db

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# torch first, from the CPU build (otherwise pip pulls a multi-GB CUDA build).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

models: $(STAMP)
	$(BIN)/podium models

db: $(STAMP)
	$(BIN)/podium db upgrade

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy server media inference storage bench tests

# Benchmarks print markdown tables (they take minutes each); see the README for the latest figures.
BENCHES := live live_speech pose speech_accuracy analysis
bench: setup
	@for b in $(BENCHES); do echo "== bench.$$b"; $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
