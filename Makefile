# ParkParty developer commands. `make run` and `make test` work from a clean clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages venv clean bench loadtest

# Production is the settings' default (DJANGO_DEBUG off, a secret key required); the developer
# commands below run in development mode. The test suite sets its own (tests/settings.py).
run lint messages bench: export DJANGO_DEBUG = true

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

# Benchmarks measure, they never fail the build (`manage.py bench` exits 0; see README "Benchmarks").
# `make bench`: the demo on a scratch SQLite and a scratch PostgreSQL (BENCH_DATABASE_URL, dropped and
# re-created). `make bench BENCH_SCALE=province`: generate_scale's data on PostgreSQL
# (BENCH_PROVINCE_DATABASE_URL), generated only when that database has no parks, so it is made once.
# BENCH_ARGS are passed to `manage.py bench` (e.g. BENCH_ARGS="--repeat 3 --only lists,dashboards").
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parkparty_bench
BENCH_PROVINCE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parkparty_bench_province
BENCH_SCALE ?= demo
BENCH_ARGS ?=
BENCH_PROVINCE_ARGS ?= --budget 30
BENCH_SQLITE := /tmp/parkparty-bench.sqlite3

bench: $(STAMP)
ifeq ($(BENCH_SCALE),province)
	psql "$$(echo $(BENCH_PROVINCE_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$$(basename $(BENCH_PROVINCE_DATABASE_URL))'" | grep -q 1 || \
		psql "$$(echo $(BENCH_PROVINCE_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -qc \
		"CREATE DATABASE $$(basename $(BENCH_PROVINCE_DATABASE_URL))"
	DATABASE_URL=$(BENCH_PROVINCE_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	test "$$(psql "$(BENCH_PROVINCE_DATABASE_URL)" -tAc 'SELECT count(*) FROM organizations_park')" != 0 || \
		DATABASE_URL=$(BENCH_PROVINCE_DATABASE_URL) $(BIN)/python manage.py generate_scale
	# Planner statistics: without them (autovacuum may be off) a county page can run one query for minutes.
	psql "$(BENCH_PROVINCE_DATABASE_URL)" -qc ANALYZE
	@echo "== PostgreSQL, province data"
	DATABASE_URL=$(BENCH_PROVINCE_DATABASE_URL) $(BIN)/python manage.py bench $(BENCH_PROVINCE_ARGS) $(BENCH_ARGS)
else
	rm -f $(BENCH_SQLITE)
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BIN)/python manage.py load_demo > /dev/null
	@echo "== SQLite, demo"
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BIN)/python manage.py bench $(BENCH_ARGS)
	psql "$$(echo $(BENCH_DATABASE_URL) | sed 's#/[^/]*$$#/postgres#')" -qc "DROP DATABASE IF EXISTS $$(basename $(BENCH_DATABASE_URL)) WITH (FORCE)" -c "CREATE DATABASE $$(basename $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py load_demo > /dev/null
	psql "$(BENCH_DATABASE_URL)" -qc ANALYZE
	@echo "== PostgreSQL, demo"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench $(BENCH_ARGS)
endif

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
