# MyStage — two commands: `make run` (app with demo data) and `make test` (whole suite).
# Everything is installed inside the project (.venv, .tools); re-runs skip what is done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN := $(CURDIR)/.tools/node_modules/.bin/bun
# axe-core (accessibility engine) for tests/e2e/test_a11y.py, installed next to bun.
AXE := $(CURDIR)/.tools/node_modules/axe-core/axe.min.js
NODE_TOOLS := bun@1.4.4 axe-core@4.14.1
PORT ?= 3000

export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_HTTP_CLIENT_BIND_ADDRESS := 0.0.0.0
export REFLEX_BUN_PATH := $(BUN)
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
export PORT

.PHONY: run test setup deps db lint test-py test-e2e test-pg test-pg-py test-pg-e2e chromium nginx clean

## make run: install, migrate, load reference + demo data, create the seal certificate if missing, serve on $(PORT).
## The demo's mails and SMS go to the dev mailbox (/dev/mails): DEV_MAILBOX=true here only.
run: deps db
	DEV_MAILBOX=$${DEV_MAILBOX:-true} $(VENV)/bin/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

## make test: install, lint (ruff, import-linter contracts in .importlinter), then the whole suite (unit, state, integration, browser)
test: deps chromium lint test-py test-e2e

# The stamp is named after the content of requirements.txt, not its date: `reflex run`
# touches requirements.txt on every start, which would defeat a date-based rule.
REQ_STAMP := $(VENV)/.stamp-req-$(shell sha256sum requirements.txt | cut -c1-16)

deps: $(REQ_STAMP) $(BUN) $(AXE)

$(REQ_STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt 2>&1 | grep -v "^WARNING: Location"; test $${PIPESTATUS[0]} -eq 0
	rm -f $(VENV)/.stamp-req-*
	touch $@

# Both in one npm command (one recipe, listed together in .tools/package.json).
$(BUN) $(AXE) &:
	mkdir -p .tools
	npm install --prefix .tools --no-audit --no-fund $(NODE_TOOLS)
	test -x $(BUN) && test -f $(AXE)

db: deps
	$(PY) -m mystage setup
	$(PY) -m mystage seal-cert

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
	  || { echo "chromium is needed: apt-get install chromium (as root)"; exit 1; }; \
	fi

## make nginx: Debian's nginx for tests/e2e/test_two_hosts.py (two app hosts behind
## deploy/nginx/mystage.conf); the test starts its own nginx on its own ports.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian nginx for the two-hosts browser test"; \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx \
	   || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)) \
	  || { echo "nginx is needed: apt-get install nginx (as root)"; exit 1; }; \
	fi

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test-py: deps
	$(VENV)/bin/pytest tests/unit tests/state tests/integration -q

# E2E_ARGS: more pytest arguments (.ci/run leaves the production-start test to the
# PostgreSQL pass, where it starts the production recipe on PostgreSQL).
test-e2e: deps chromium
	$(VENV)/bin/pytest tests/e2e -q -p no:asyncio $(E2E_ARGS)

# Same suite against PostgreSQL (and Redis for the multi-worker browser run); used by .ci/run
# (which runs test-pg-py beside the SQLite browser tests: they share nothing).
test-pg: test-pg-py test-pg-e2e

test-pg-py: deps
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/1} \
	  $(VENV)/bin/pytest tests/unit tests/state tests/integration -q

test-pg-e2e: deps chromium nginx
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  E2E_REDIS_URL=$${E2E_REDIS_URL:-redis://127.0.0.1:6379/0} \
	  E2E_VIEWPORTS=$${E2E_VIEWPORTS:-mobile} \
	  $(VENV)/bin/pytest tests/e2e -q -p no:asyncio

clean:
	rm -rf .web .states var
