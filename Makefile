# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT ?= 8000
# The address in share links, QR codes and handouts made by `make run`: this server, whatever PORT is.
RUN_SITE_URL ?= http://$(HOST):$(PORT)
WORKERS ?= 3

.PHONY: run setup setup-dev test lint check clean bench bench-load bench-scale serve audit

# Two sets in one virtualenv (.venv). `make run` and `make serve` install only what the app needs to run:
# requirements.txt and the runtime Debian packages. test, lint, check, audit and the benchmarks install the
# development set: requirements-dev.txt (requirements.txt plus tests and tools) and `--dev` system packages
# (PostgreSQL, Chromium, wrk). Each set has its own stamp file, redone when its requirements files change.
#
# System packages first (WeasyPrint needs Pango, HarfBuzz with its subsetter, Fontconfig), then a loud stop
# if WeasyPrint still cannot load them: handouts would fail, or fall back to a 2.5x slower font subsetter.
# The interface translations (locale/*/LC_MESSAGES/django.po) are compiled here, never committed.
define ready
@$(BIN)/python -W error -c 'import weasyprint' || { echo >&2; \
  echo >&2 "error: WeasyPrint cannot load its system libraries (libpango-1.0-0, libpangoft2-1.0-0,"; \
  echo >&2 "libharfbuzz-subset0, fontconfig). Install them with: sudo bash scripts/install-system-packages"; \
  exit 1; }
@DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0
endef

setup: $(VENV)/.installed
	@bash scripts/install-system-packages
	$(ready)

setup-dev: $(VENV)/.installed-dev
	@bash scripts/install-system-packages --dev
	$(ready)

define venv
@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
endef

$(VENV)/.installed: requirements.txt
	$(venv)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# requirements-dev.txt starts with `-r requirements.txt`: the production set comes along (its stamp too).
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	$(venv)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: setup
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	@echo "Serving on http://$(HOST):$(PORT)/ (patient pages) and http://$(HOST):$(PORT)/admin/ (staff). Ctrl-C stops."
	@# The background-job worker (emails, handout pre-renders) runs beside the server and stops with it.
	DEBUG=true SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup-dev
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Handout rendering speed and memory (one run on this machine; see README.md, "Handouts").
bench: setup-dev
	$(BIN)/python bench/handouts.py

# Load run on loopback: gunicorn (2 workers) with demo data in a throwaway folder, wrk against the leaflet page,
# its cached handout PDF and a static file (bench/load.py; about a minute).
bench-load: setup-dev
	$(BIN)/python bench/load.py

# Search, index pages, staff pickers and the admin version list at 3 and at 5,000 leaflets in English and
# French (bench/scale.py: a throwaway SQLite database built in bulk, then the test client; a few minutes).
bench-scale: setup-dev
	$(BIN)/python bench/scale.py 3 5000

# Production serving: collect static files (hashed, compressed), then gunicorn on $(HOST):$(PORT) with
# $(WORKERS) workers (settings in clinic/gunicorn.py). Reads the production settings from the environment or
# .env (DEBUG off: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...); see docs/deploy.md. To try it without a
# TLS proxy in front: SECURE_SSL_REDIRECT=false make serve.
serve: setup
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn -c python:clinic.gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) clinic.wsgi

# Known vulnerabilities in the pinned production set, requirements.txt (pip-audit, a development tool; needs
# PyPI's vulnerability data).
audit: setup-dev
	bash scripts/audit-dependencies

check: setup-dev
	DEBUG=true $(BIN)/python manage.py check
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .test-media staticfiles
