# ParkParty developer commands. `make run` and `make test` work from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages venv clean bench bench-import bench-reports bench-dashboards loadtest

# Production is the settings' default (DJANGO_DEBUG off, a secret key required); the developer
# commands below run in development mode. The test suite sets its own (tests/settings.py).
run lint messages bench-import bench-reports bench-dashboards: export DJANGO_DEBUG = true

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=data
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Benchmarks measure, they never fail the build. BENCH_DATABASE_URL names the PostgreSQL to use.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parkparty_bench

bench-import: $(STAMP)
	rm -f /tmp/parkparty-bench.sqlite3
	DATABASE_URL=sqlite:////tmp/parkparty-bench.sqlite3 $(BIN)/python manage.py migrate --noinput -v 0
	@echo "== SQLite"
	DATABASE_URL=sqlite:////tmp/parkparty-bench.sqlite3 $(BIN)/python manage.py bench_import
	psql "$$(echo $(BENCH_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -qc "DROP DATABASE IF EXISTS $$(basename $(BENCH_DATABASE_URL))" -c "CREATE DATABASE $$(basename $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	@echo "== PostgreSQL"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_import

bench-reports: $(STAMP)
	rm -f /tmp/parkparty-bench-reports.sqlite3
	DATABASE_URL=sqlite:////tmp/parkparty-bench-reports.sqlite3 $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:////tmp/parkparty-bench-reports.sqlite3 $(BIN)/python manage.py bench_reports

bench-dashboards: $(STAMP)
	rm -f /tmp/parkparty-bench-dash.sqlite3
	DATABASE_URL=sqlite:////tmp/parkparty-bench-dash.sqlite3 $(BIN)/python manage.py migrate --noinput -v 0
	@echo "== SQLite"
	DATABASE_URL=sqlite:////tmp/parkparty-bench-dash.sqlite3 $(BIN)/python manage.py bench_dashboards
	psql "$$(echo $(BENCH_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -qc "DROP DATABASE IF EXISTS $$(basename $(BENCH_DATABASE_URL))" -c "CREATE DATABASE $$(basename $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	@echo "== PostgreSQL"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_dashboards

bench: bench-import bench-reports bench-dashboards

# The load test (not part of `make test`): gunicorn on a fresh PostgreSQL database (dropped and
# re-created), production settings with a throwaway secret key, simulated users driven by locust.
# Quick run: make loadtest LOADTEST_USERS=10 LOADTEST_TIME=15s
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parkparty_load
LOADTEST_USERS ?= 50
LOADTEST_SPAWN_RATE ?= 5
LOADTEST_TIME ?= 60s
LOADTEST_WORKERS ?= 2

loadtest: $(STAMP)
	psql "$$(echo $(LOADTEST_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -qc "DROP DATABASE IF EXISTS $$(basename $(LOADTEST_DATABASE_URL)) WITH (FORCE)" -c "CREATE DATABASE $$(basename $(LOADTEST_DATABASE_URL))"
	DATABASE_URL=$(LOADTEST_DATABASE_URL) DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_SECRET_KEY="loadtest-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))')" \
	$(BIN)/python manage.py loadtest --users $(LOADTEST_USERS) --spawn-rate $(LOADTEST_SPAWN_RATE) \
		--run-time $(LOADTEST_TIME) --workers $(LOADTEST_WORKERS)

clean:
	rm -rf $(VENV) data staticfiles .pytest_cache .ruff_cache
