# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint check clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: setup
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	@echo "Serving on http://$(HOST):$(PORT)/ (patient pages) and http://$(HOST):$(PORT)/admin/ (staff). Ctrl-C stops."
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	DEBUG=true $(BIN)/python manage.py check
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .test-media staticfiles
