# The two Quick start commands (README): `make run` and `make test`.
# Everything installs into a virtualenv; nothing is installed system-wide except
# PostgreSQL and Redis when `make test` finds them missing (Debian/Ubuntu, apt-get).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LEGACY_PORT ?= 8090
# The local demo's settings (git-ignored): manage.py reads them in any new terminal
# whose environment has no SECRET_KEY (config/env.py, load_local_settings).
LOCAL_ENV := var/local.env
# `make test` runs against a real PostgreSQL (one database per alias) and Redis.
TEST_DATABASE_SERVER_URL ?= postgres://postgres:postgres@127.0.0.1:5432
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
# Two workers (xdist), a module per worker: the suite waits on databases, Redis and
# child processes more than on the CPU.
PYTEST_WORKERS ?= 2

.PHONY: run run-split setup local-settings test test-fast install install-dev lint clean \
	restore-drill rotation-drill image compose-smoke deploy-check rehearse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

## make local-settings: write var/local.env (DEBUG on, the legacy stand-in's URL, the
## HOST:PORT that links in mails and the demo's credential links point at, a generated
## SECRET_KEY meeting Django's bar), which manage.py reads in a terminal with no
## configuration of its own. The key is kept across runs: the demo's signing keys are
## encrypted under it. A demo whose databases predate the generated key keeps DEBUG's
## fallback key (`make clean` starts over with a generated one).
local-settings: install
	@mkdir -p var
	@key=$$(sed -n 's/^SECRET_KEY=//p' $(LOCAL_ENV) 2>/dev/null); \
	if [ -z "$$key" ] && [ ! -d var/db ]; then \
	  key=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))'); fi; \
	umask 077; printf '%s\n' \
	  '# Written by `make run` for the local demo; manage.py reads it when SECRET_KEY is' \
	  '# not set in the environment (variables already set win). Delete it to start over.' \
	  'DEBUG=true' \
	  'LEGACY_BASE_URL=http://127.0.0.1:$(LEGACY_PORT)' \
	  '# Links in mails and printed by the demo point where `make run` serves (HOST, PORT).' \
	  'IDENTITY_FRONTEND_URL=http://$(HOST):$(PORT)' \
	  'PASSPORT_PUBLIC_ORIGIN=http://$(HOST):$(PORT)' \
	  $${key:+"SECRET_KEY=$$key"} > $(LOCAL_ENV); chmod 600 $(LOCAL_ENV)
	@echo "Local settings in $(LOCAL_ENV)"

## make setup: local settings, every database migrated, demo data loaded (what `run` serves).
setup: export DEBUG ?= true
setup: install local-settings
	$(BIN)/python manage.py migrate_all
	$(BIN)/python manage.py load_demo

## make run: install, migrate every database, load demo data, serve on HOST:PORT.
run: export DEBUG ?= true
run: setup
	@echo ""
	@echo "Platform on http://$(HOST):$(PORT)/"
	@echo "  API docs     http://$(HOST):$(PORT)/api/docs/"
	@echo "  Admin        http://$(HOST):$(PORT)/admin/  (admin@example.com / $${DEMO_PASSWORD:-demo-password-2026})"
	@echo "  Readiness    http://$(HOST):$(PORT)/ready"
	@echo ""
	$(BIN)/python -m legacy_adapter.reference_service --port $(LEGACY_PORT) --db var/legacy.sqlite3 & LEGACY=$$!; trap "kill $$LEGACY" EXIT INT TERM; $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make run-split: every part as its own local process (gateway, six domains, admin,
## relay, one consumer per group, projections) with Redis and a mail sink, printing the
## ports; the smoke journey runs against it: scripts/smoke_journey.py --targets
## var/split/targets.json.
run-split: export DEBUG ?= true
run-split: install local-settings
	$(BIN)/python scripts/run_split.py

## make test: install dev tools, make sure PostgreSQL and Redis answer, run the suite.
test: export DATABASE_SERVER_URL ?= $(TEST_DATABASE_SERVER_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: export SECRET_KEY ?= test-only-secret-key-0123456789abcdef-0123456789abcdef
test: export METRICS_TOKEN ?= test-only-metrics-token-0123456789abcdef
# Small pools: two workers, child processes and event stores share one server's
# connection limit (PostgreSQL's default is 100).
test: export DATABASE_POOL_MAX_SIZE ?= 2
test: install-dev
	scripts/ensure-services.sh
	scripts/install-validators.sh
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## make restore-drill: lose a domain's database and recover by the runbook, then lose
## Redis and let the running platform recover by itself (docs/runbooks/disaster-recovery.md);
## RPO and RTO printed. DRILL_ARGS="--domains learning".
DRILL_ARGS ?= --naive
restore-drill: export DATABASE_SERVER_URL ?= $(TEST_DATABASE_SERVER_URL)
restore-drill: install
	scripts/ensure-services.sh
	$(BIN)/python -m drills.restore $(DRILL_ARGS)

## make rotation-drill: database and Redis passwords rotate under load (second credential,
## rollout restart, revocation) on a private PostgreSQL and redis-server; docs/runbooks/secrets.md.
rotation-drill: install
	$(BIN)/python -m drills.rotation $(ROTATION_ARGS)

## make image: build the real Dockerfile with Podman (installs podman/runc/debootstrap with
## apt-get when missing; where no image registry answers, builds the Debian stand-in base
## images first: scripts/image/base-images.sh, for air-gapped builders). Never pushes.
PLATFORM_IMAGE ?= localhost/platform:local
image:
	PLATFORM_IMAGE=$(PLATFORM_IMAGE) scripts/image/build.sh

## make compose-smoke [PROFILE=default|split|both]: docker-compose.yml up with podman-compose,
## every container healthy, every process checked in its container, the smoke journey
## (scripts/smoke_journey.py) against it, then down. docs/deployment-local.md.
PROFILE ?= both
compose-smoke: install-dev image
	PROFILE=$(PROFILE) PLATFORM_IMAGE=$(PLATFORM_IMAGE) scripts/compose_smoke.sh

## make rehearse ENV=dev: the Kubernetes overlay rendered (kubectl kustomize) and run with
## podman kube play: static checks first, stand-ins with TLS, the migration hook, every
## workload probed as declared, the Gateway's routes through a generated nginx, the smoke
## journey, every connection checked against the NetworkPolicies. docs/deployment.md.
## REHEARSAL_ARGS: more options (python -m deploy.rehearsal --help).
ENV ?= dev
REHEARSAL_ARGS ?=
KUBECTL ?= $(shell [ -x tools/validators/bin/kubectl ] && echo tools/validators/bin/kubectl || echo kubectl)
rehearse: install-dev image
	scripts/image/service-images.sh >/dev/null
	command -v tcpdump >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump
	$(BIN)/python -m deploy.rehearsal --env $(ENV) --image $(PLATFORM_IMAGE) --kubectl $(KUBECTL) $(REHEARSAL_ARGS)

## make deploy-check: everything that runs the platform as it is deployed (both compose
## profiles, then the rehearsal). For a shared 2-core machine (CI), one pod starting at
## a time and probe timeouts x3 (printed in the rehearsal's summary); override with
## REHEARSAL_ARGS=... to run the manifests' timing exactly.
deploy-check: REHEARSAL_ARGS = --parallel 1 --probe-timeout-scale 3
deploy-check: compose-smoke rehearse

## make test-fast: the unit tests only (no database, no child process), in seconds.
FAST_PATHS = tests/unit tests/contracts tests/gateway/test_decision.py domains
test-fast: export SECRET_KEY ?= test-only-secret-key-0123456789abcdef-0123456789abcdef
test-fast: export METRICS_TOKEN ?= test-only-metrics-token-0123456789abcdef
test-fast:
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not django_db and not slow" $(FAST_PATHS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf var/ staticfiles/ .pytest_cache .ruff_cache
