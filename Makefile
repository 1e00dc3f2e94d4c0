# Case review manager. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# durable-rules 2.0.28 builds on Python 3.11 and 3.12 only (it does not import on 3.13).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3,11),(3,12)) else 1)'; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
# make run PORT=5104 MAIL_PORT=2525: the web server's port, and the local mail catcher's (webapp/devserver.py).
PORT ?= 5000
export PORT
PIP_COMPILE := --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: help run test test-sqlite test-postgresql typecheck deps deps-dev frontend requirements browser pango \
	translations messages \
	lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/activate:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or 3.12 is needed (durable-rules does not run on 3.13)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The Welsh catalogue the app reads: compiled from the committed .po (the .mo is not committed).
MO := translations/cy/LC_MESSAGES/messages.mo
$(MO): translations/cy/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(BIN)/python -m webapp.i18n.catalogue compile

translations: $(MO) ## Compile the Welsh catalogue (translations/cy) into the .mo the app reads

messages: $(VENV)/.runtime ## Extract every interface text and add new ones to the Welsh catalogue; list what lacks Welsh
	$(BIN)/python -m webapp.i18n.catalogue update
	-$(BIN)/python -m webapp.i18n.catalogue check

frontend: node_modules/.installed ## Install the front-end packages (GOV.UK Frontend, axe-core) from npm

deps: pango $(VENV)/.runtime frontend translations ## Install the app's Python and front-end dependencies

deps-dev: $(VENV)/.dev frontend translations ## Install everything the tests need too

requirements: $(VENV)/.dev ## Recompile requirements*.txt from requirements*.in (pip-tools)
	$(BIN)/pip-compile --quiet $(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet $(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

pango: ## Install Debian's pango libraries for the PDF export (WeasyPrint), if missing
	@{ /sbin/ldconfig -p 2>/dev/null || ldconfig -p; } | grep -q 'libpangoft2-1.0.so.0' || { \
		echo "Installing Debian's pango libraries for the PDF export"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

browser: ## Install Debian's chromium for the browser tests, if missing
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: deps ## Migrate the SQLite database, load demo data if empty, serve on http://127.0.0.1:$PORT/ (5000)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	$(BIN)/python -m webapp.devserver

test: test-sqlite ## Run every test on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgresql; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL pass skipped"; fi

test-sqlite: deps-dev browser ## Run every test on SQLite (a temporary database per run)
	@mkdir -p test-results
	env -u TEST_DATABASE_URL $(BIN)/pytest --junitxml=test-results/sqlite.xml

test-postgresql: deps-dev browser ## Run every test on the PostgreSQL database named by TEST_DATABASE_URL
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
		echo "test-postgresql: set TEST_DATABASE_URL, e.g." \
			"TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/case_review_test make test-postgresql" >&2; \
		exit 2; fi
	@mkdir -p test-results
	@echo "== PostgreSQL pass ($${TEST_DATABASE_URL%%@*}@…)"
	$(BIN)/pytest --junitxml=test-results/postgresql.xml

typecheck: deps-dev ## Check the types of webapp, rules and jobs with mypy (settings in pyproject.toml)
	$(BIN)/mypy

lint: deps-dev ## Check style with ruff
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: deps-dev ## Format the code with ruff
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: deps-dev ## Run the benchmarks and print their figures (pages at 100,000 cases takes a while)
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/audit_verify.py

clean: ## Remove the virtualenv, node_modules and the local database
	rm -rf $(VENV) node_modules instance test-results .mypy_cache
