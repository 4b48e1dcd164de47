# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The demo prints reminders instead of sending them; `make run REMINDER_DELIVERY=live` sends.
REMINDER_DELIVERY ?= log

.PHONY: run serve test test-sqlite test-postgres install install-test install-serve chromium \
	pdf-libraries postgresql-client bench bench-load wrk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-serve: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[serve]'
	touch $@

## The browser tests drive Debian's Chromium (Playwright's own download is not used).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

## The printable REMS form is made into PDF by WeasyPrint, which needs Debian's Pango.
pdf-libraries:
	@ldconfig -p | grep -q libpangoft2-1.0 || { apt-get update -qq && \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; }

install: pdf-libraries $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-serve: $(VENV)/.installed-serve

## pg_dump and pg_restore, for `flask --app wsgi backup`/`restore` and their tests.
postgresql-client:
	@command -v pg_dump >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client; }

## A secret key of this machine's own for signing cookies: written once (O_EXCL), never replaced.
instance/secret_key:
	@mkdir -p instance
	@$(PYTHON) -c 'import os, secrets, sys; fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600); os.write(fd, secrets.token_hex(32).encode() + b"\n")' $@
	@echo "wrote a new secret key to $@"

## Set up, migrate the SQLite database in instance/, load the demo clinic, and serve it with
## the reminder and alert scheduler in the same process (--with-web: the demo only).
run: install instance/secret_key
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed-demo
	SPRAVATO_REMINDER_DELIVERY=$(REMINDER_DELIVERY) \
		$(BIN)/flask --app wsgi scheduler --with-web --host $(HOST) --port $(PORT)

## Production on this machine: migrate, then the Procfile's processes (gunicorn serving
## wsgi:app, two schedulers) under honcho, with SPRAVATO_ENV=production: SPRAVATO_DATABASE_URL
## (PostgreSQL) and SPRAVATO_SECRET_KEY must be set. README, "Production".
serve: install-serve
	SPRAVATO_ENV=production $(BIN)/flask --app wsgi db upgrade
	PATH="$(abspath $(BIN)):$$PATH" SPRAVATO_ENV=production SPRAVATO_BIND=$(HOST):$(PORT) \
		$(BIN)/honcho start -f Procfile

## Set up the test tools and run the whole suite (on PostgreSQL too when
## SPRAVATO_TEST_DATABASE_URL is set: each of the two test processes on a database of its own
## beside the one named, tests/conftest.py).
test: install-test chromium postgresql-client
	@echo "== the suite on SQLite"
	env -u SPRAVATO_TEST_DATABASE_URL $(BIN)/python -m pytest -n 2
	@if [ -n "$$SPRAVATO_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL"; \
		$(BIN)/python -m pytest -n 2; \
	fi

bench: install-test
	$(BIN)/python bench/bench_domain.py

## wrk, from Debian's packages: the load generator of bench/bench_load.py.
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

## The load benchmark: gunicorn on PostgreSQL under wrk, 50 alert streams open (bench_load.py).
bench-load: install-test wrk
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
