# KnowBridge — the two commands are `make run` and `make test`; see README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export PYTHONPATH := $(CURDIR)/platform
export PATH := $(CURDIR)/$(BIN):$(PATH)
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Test processes (pytest-xdist): one per core, at most 4, as each takes two Redis databases.
PYTEST_WORKERS ?= auto

.PHONY: run test install lint pytest migrate demo messages bench clean

## Installs the locked dependencies into .venv (again only when the lock changes).
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --locked --quiet --compile-bytecode
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

## Runs web, Celery worker and beat on http://127.0.0.1:8000 until Ctrl-C, restarting any that stops.
run: demo
	$(BIN)/python manage.py run_platform

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses 4 $(PYTEST_ARGS)

## Lint plus the whole suite (SQLite unless DATABASE_URL says otherwise).
test: lint pytest

## Extracts marked strings into the catalogs and compiles them (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale fr --locale zh_Hans --locale zh_Hant --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

## Loads the key pages on PostgreSQL at the scale of DESIGN.md; results in bench/results/.
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
