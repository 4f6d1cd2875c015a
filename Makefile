# The two commands: `make run` serves the portal locally with demo content,
# `make test` runs every test against PostgreSQL, Redis, Celery and Chromium.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYENV_ROOT ?= $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
PYTHON ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13) $(shell command -v python3.13))
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# make run: everything local, no services needed.
RUN_ENV := DEBUG=true CELERY_TASK_ALWAYS_EAGER=true SITE_URL=http://127.0.0.1:$(PORT)

# make test: the real services this machine runs (CI builds the test database
# afresh; locally it is reused between runs). Override the database or
# Redis number to run two suites side by side.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dscp
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := \
	DEBUG=false \
	DATABASE_URL=$(TEST_DATABASE_URL) \
	REDIS_URL=$(TEST_REDIS_URL) \
	EMAIL_URL=smtp://127.0.0.1:2525 \
	SECRET_KEY=test-only-secret-key \
	SITE_URL=http://testserver \
	ALLOWED_HOSTS=testserver,127.0.0.1,localhost \
	HTTPS=false \
	STATIC_MANIFEST=false \
	CELERY_TASK_ALWAYS_EAGER=true \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: run test install assets chromium lint format check-deploy bench bench-send bench-booking bench-pages bench-search bench-cost bench-lighthouse soak clean

$(BIN)/uv:
	@test -n "$(PYTHON)" || { echo "Python 3.13 not found: install it with pyenv (pyenv install 3.13)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(BIN)/uv pyproject.toml uv.lock
	$(BIN)/uv sync --quiet --frozen --inexact --all-extras --compile-bytecode
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

dscp/static/dscp/dscp.css: node_modules/.installed $(wildcard frontend/scss/*.scss) frontend/copy-assets.mjs
	npm run --silent build

.env:
	printf '# Local development only (git-ignored). Production sets real environment variables.\nDEBUG=true\n' > $@

install: $(VENV)/.synced node_modules/.installed dscp/static/dscp/dscp.css .env

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	mkdir -p var/mail
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	@$(RUN_ENV) $(BIN)/python manage.py ensure_admin
	@echo "Serving the DSCP portal on http://127.0.0.1:$(PORT)/ (emails are written to var/mail/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install chromium
	mkdir -p var/static
	$(TEST_ENV) $(BIN)/pytest $(if $(CI),--create-db) $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# manage.py check --deploy as production would run it.
check-deploy: $(VENV)/.synced
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=portal.example.org \
	SITE_URL=https://portal.example.org DATABASE_URL=postgres://postgres@127.0.0.1:5432/dscp \
	REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_URL=smtp+tls://portal:secret@smtp.example.org:587 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks print figures (see docs/performance.md); each has its own target.
bench: bench-send bench-booking bench-pages bench-search

bench-send: install
	$(TEST_ENV) CELERY_TASK_ALWAYS_EAGER=false $(BIN)/python bench/send.py $(BENCH_ARGS)

bench-booking: install
	$(BIN)/python bench/booking_rush.py $(BENCH_ARGS)

bench-pages: install
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

bench-search: install
	$(BIN)/python bench/search.py $(BENCH_ARGS)

# CPU and queries per request in one process (meaningful on a busy machine too);
# BENCH_ARGS="--instructions" counts instructions under valgrind, "--profile" shows where.
bench-cost: install
	$(BIN)/python bench/cost.py $(BENCH_ARGS)

# Lighthouse scores and first-load weight; installs lighthouse into var/ on first use.
bench-lighthouse: install chromium
	$(BIN)/python bench/lighthouse.py $(BENCH_ARGS)

# The storm soak: the production stack on processes it owns, work and faults for 30
# minutes (SOAK_ARGS="--minutes 5 --seed 7 --faults redis_restart,smtp_stall"); the
# checks' figures, report and timeline picture go to var/soak/latest/. See docs/soak.md.
soak: install
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) node_modules var dscp/static/dscp/dscp.css dscp/static/dscp/govuk
