# The two commands of the README: `make run` and `make test`. Everything else here
# serves them; a fresh machine with Python 3.11 needs nothing more.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# The suite runs on every core (pytest-xdist): each worker has its own test database.
TEST_WORKERS ?= auto

.PHONY: run test install browser lint format messages worker clean loadtest bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# Debian's Chromium drives the browser tests (Playwright never downloads a browser) and
# ClamAV's daemon scans uploads in the tests (they start it on a signature file of their own);
# nginx runs deploy/nginx.conf in front of a live server in the proxy test.
CLAMD ?= /usr/sbin/clamd
browser:
	@missing=""; test -x $(CHROMIUM) || missing="$$missing chromium"; \
	  test -x $(CLAMD) || missing="$$missing clamav-daemon"; \
	  test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian's$$missing for the tests…"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  fi

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_collectivities
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "EXPE-CT on http://127.0.0.1:8000 — Celery worker and beat alongside (Ctrl-C stops all)."
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/celery -A expect worker --beat --loglevel INFO $$(case "$${DATABASE_URL:-sqlite}" in sqlite*) echo --pool solo --concurrency 1;; *) echo --concurrency 2;; esac) & \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install browser
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the French catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale fr --no-obsolete --ignore ".venv/*" --ignore "var/*"
	$(BIN)/python manage.py makemessages --locale fr --domain djangojs --ignore ".venv/*" --ignore "var/*" --ignore "staticfiles/*"
	$(BIN)/python manage.py compilemessages --locale fr --ignore ".venv/*"

clean:
	rm -rf var/

# Load and fault test (issue #7): 50 users for 60 s on gunicorn and a throwaway
# PostgreSQL cluster, then again with PostgreSQL restarted mid-run; about four minutes.
# Figures in docs/load-test.md. Not part of `make test`.
loadtest: install
	$(BIN)/python loadtest/run.py

# Performance at national volume (issue #16): `seed_demo --scale 36000` on a throwaway
# PostgreSQL cluster, gunicorn with 2 workers, every page family loaded by wrk next to
# Django's floor (same bytes, no database, no template). Under 20 minutes; figures in
# docs/performance.md. Not part of `make test`. BENCH_SCALE=2000 for a quick run.
bench: install
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the bench…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py
