# Aduan — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_REPORTS ?= 400

.PHONY: run test test-browser audit-deps venv lint typecheck check setup clean translations worker

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

# Migrate, load reference and demo data (idempotent), train the triage model on the
# demo dispatches, serve with gunicorn.
setup: venv
	$(BIN)/aduan migrate --noinput -v0
	$(BIN)/aduan collectstatic --noinput -v0
	$(BIN)/aduan loadrefdata
	$(BIN)/aduan seed --demo --reports $(DEMO_REPORTS)
	$(BIN)/aduan triage train

run: setup
	$(BIN)/aduan serve --host $(HOST) --port $(PORT)

# Background tasks, the SLA sweep and the daily digest, on the same database as `make run`.
worker: venv
	$(BIN)/aduan worker

test: venv
	$(BIN)/pytest -n 2 --dist loadfile

# Real-browser journeys, axe-core accessibility audit, page weights (Debian's Chromium;
# installs it and axe-core when missing; screenshots under test-artifacts/).
test-browser: venv
	bash scripts/install_browser_deps.sh
	$(BIN)/pytest tests/browser -p no:xdist

# Known vulnerabilities in the pinned dependencies (needs PyPI's JSON API).
audit-deps: venv
	bash scripts/audit_deps.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy aduan

check: lint typecheck
	$(BIN)/aduan check
	$(BIN)/aduan makemigrations --check --dry-run

# Refresh aduan/locale/en from the Indonesian source strings (needs GNU gettext).
translations: venv
	PYTHON=$(BIN)/python sh scripts/update_translations.sh

clean:
	rm -rf $(VENV) var
