# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT ?= 8000
# The address in share links, QR codes and handouts made by `make run`: this server, whatever PORT is.
RUN_SITE_URL ?= http://$(HOST):$(PORT)
WORKERS ?= 3

.PHONY: run setup test lint check clean bench bench-load serve audit

# System packages first (WeasyPrint needs Pango, HarfBuzz with its subsetter, Fontconfig), then a loud stop
# if WeasyPrint still cannot load them: handouts would fail, or fall back to a 2.5x slower font subsetter.
setup: $(VENV)/.installed
	@bash scripts/install-system-packages
	@$(BIN)/python -W error -c 'import weasyprint' || { echo >&2; \
	  echo >&2 "error: WeasyPrint cannot load its system libraries (libpango-1.0-0, libpangoft2-1.0-0,"; \
	  echo >&2 "libharfbuzz-subset0, fontconfig). Install them with: sudo bash scripts/install-system-packages"; \
	  exit 1; }
	@# The interface translations (locale/*/LC_MESSAGES/django.po) are compiled here, never committed.
	@DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: setup
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	@echo "Serving on http://$(HOST):$(PORT)/ (patient pages) and http://$(HOST):$(PORT)/admin/ (staff). Ctrl-C stops."
	DEBUG=true SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Handout rendering speed and memory (one run on this machine; see README.md, "Handouts").
bench: setup
	$(BIN)/python bench/handouts.py

# Load run on loopback: gunicorn (2 workers) with demo data in a throwaway folder, wrk against the leaflet page,
# its cached handout PDF and a static file (bench/load.py; about a minute).
bench-load: setup
	$(BIN)/python bench/load.py

# Production serving: collect static files (hashed, compressed), then gunicorn on $(HOST):$(PORT) with
# $(WORKERS) workers (settings in clinic/gunicorn.py). Reads the production settings from the environment or
# .env (DEBUG off: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...); see docs/deploy.md. To try it without a
# TLS proxy in front: SECURE_SSL_REDIRECT=false make serve.
serve: setup
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn -c python:clinic.gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) clinic.wsgi

# Known vulnerabilities in the pinned requirements (pip-audit; needs PyPI's vulnerability data).
audit: setup
	bash scripts/audit-dependencies

check: setup
	DEBUG=true $(BIN)/python manage.py check
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .test-media staticfiles
