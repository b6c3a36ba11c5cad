# Podium: two commands do everything on a fresh machine.
#   make run   — set up (system packages, .venv, models, database) and start the server on :8080
#   make test  — same set-up, then ruff, mypy and the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.podium-installed
SYSTEM_PACKAGES := espeak-ng sox chromium prometheus clamav-daemon flite festival festvox-kdlpc16k festvox-kallpc16k
PYTEST_ARGS ?=

.PHONY: run test setup system-deps models db lint typecheck bench clean web web-check airflow-check

run: setup
	$(BIN)/podium serve

test: setup lint typecheck web-check airflow-check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-deps $(STAMP) models db web

# The browser app (web/): `npm ci` when the lock file changes, `npm run build` when a source or config changes.
WEB := web
WEB_STAMP := $(WEB)/node_modules/.podium-npm-ci
WEB_INPUTS := $(shell find $(WEB)/src $(WEB)/public -type f ! -name '*.test.ts' ! -name '*.test.tsx' 2>/dev/null) \
	$(WEB)/index.html $(WEB)/package.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json

web: $(WEB)/dist/index.html

$(WEB_STAMP): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB)/dist/index.html: $(WEB_STAMP) $(WEB_INPUTS)
	cd $(WEB) && npm run build

web-check: $(WEB_STAMP)
	cd $(WEB) && npm run typecheck && npm run lint && npm run check:api && npm test

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

# Airflow gets its own venv (never the product's): the pinned deploy/airflow/requirements.txt, installed once per
# change of that file; then the maintenance DAG runs under Airflow's dag.test() against a prepared Podium database.
AIRFLOW_VENV := .venv-airflow
AIRFLOW_STAMP := $(AIRFLOW_VENV)/.podium-airflow-installed

$(AIRFLOW_STAMP): deploy/airflow/requirements.txt
	test -x $(AIRFLOW_VENV)/bin/python || $(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/pip install -q --upgrade pip
	$(AIRFLOW_VENV)/bin/pip install -q -r deploy/airflow/requirements.txt
	touch $(AIRFLOW_STAMP)

airflow-check: setup $(AIRFLOW_STAMP)
	PODIUM_VENV_BIN=$(abspath $(BIN)) $(AIRFLOW_VENV)/bin/python -m pytest -c tests/airflow/pytest.ini \
	  --confcutdir=tests/airflow tests/airflow -q

clean:
	rm -rf $(VENV) $(AIRFLOW_VENV) var .mypy_cache .ruff_cache .pytest_cache $(WEB)/node_modules $(WEB)/dist
