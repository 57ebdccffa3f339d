# `make run` and `make test` do all set-up on a fresh machine (see README).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ on PATH (Django 6 needs 3.12 or newer).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
PORT ?= 8000

.PHONY: install run serve test lint lock clean

# Every Python package, transitive ones included, is pinned with its hashes in requirements.lock
# (`make lock` writes it from pyproject.toml's groups). uv installs from it: the runtime group for
# `make run`, the test group as well for `make test`. uv itself is pinned in pyproject.toml.
# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on our machines) every
# command would otherwise compile Django and the project again (seconds per manage.py call).
UV := $(VENV)/bin/uv
UV_VERSION := $(shell sed -n 's/^required-version = "==\(.*\)"/\1/p' pyproject.toml)
UV_INSTALL = VIRTUAL_ENV=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) pip install --quiet --compile-bytecode \
	--require-hashes --constraints requirements.lock

$(UV): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found (tried python3.14, python3.13, python3.12, python3). Install one, e.g. 'pyenv install 3.13'." >&2; exit 1; fi
	@test -x $(PY) || { echo "Creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@touch $@

$(VENV)/.runtime: $(UV) pyproject.toml requirements.lock
	$(UV_INSTALL) --group runtime
	@touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(UV_INSTALL) --group test
	@touch $@

install: $(VENV)/.runtime

# The outside checkers the tests and bench/ run (axe-core, the Nu HTML Checker, Lighthouse), pinned
# in package.json and package-lock.json. No install scripts: vnu-jar's would download a Java when
# none is found; the tests use the machine's (.ci/run installs it). Without npm the checks that
# need these are skipped locally (and fail under CI).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "npm not found: the accessibility and HTML checks will be skipped (install Node.js 20 and npm)." >&2; fi

# Migrated and seeded again only when a migration, the seed or a document changed: each manage.py
# call costs a second or two of start-up, and `make run` should serve at once the second time.
db.sqlite3: $(VENV)/.runtime $(wildcard */migrations/*.py) unodc_site/seed.py unodc_site/seed.toml \
		$(wildcard sources/documents/*)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed
	@touch $@

run: install db.sqlite3
	DEBUG=true $(PY) manage.py localadmin --url http://127.0.0.1:$(PORT)/admin/
	@echo "Site: http://127.0.0.1:$(PORT)/"
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style server: set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (and HTTPS=true behind TLS).
serve: install
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py make_renditions
	# The task worker (the workflow's mail) runs beside gunicorn and stops with it.
	trap 'kill 0' EXIT; $(PY) manage.py db_worker --no-reload & \
	$(VENV)/bin/gunicorn unodc_site.wsgi --bind 127.0.0.1:$(PORT) --workers 3

# The tests run on PostgreSQL, as production, whenever one answers: DATABASE_URL if set, else the
# local server at 127.0.0.1:5432 (scripts/local-postgres creates its `unodc` role and database).
# Without one they run on SQLite and the PostgreSQL-only tests skip, saying so.
test: $(VENV)/.test node_modules/.package-lock.json
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	@export DATABASE_URL="$${DATABASE_URL:-$$(scripts/local-postgres)}"; \
	echo "Tests on $${DATABASE_URL:-SQLite (no PostgreSQL answered at 127.0.0.1:5432: its tests skip)}"; \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Upgrade every pin within pyproject.toml's bounds, hashes included: `make lock ARGS=--upgrade`.
lock: $(UV)
	$(UV) pip compile pyproject.toml --group test --universal --python-version 3.12 \
		--generate-hashes --quiet --output-file requirements.lock $(ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
