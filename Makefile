# Cascade: the two commands a newcomer needs.
#
#   make run    build everything, create data/cascade.db with the demo company
#               (first start only) and serve API + web app on http://127.0.0.1:8080
#   make test   everything CI runs: format, lints, unit/property/contract/API
#               tests on SQLite and PostgreSQL, OpenAPI freshness, the API
#               contract (OpenAPI validator and Schemathesis), browser tests
#
# Other targets: openapi (rewrite openapi/openapi.json), api-contract, bench,
# lint, clean. Tools are installed on demand and idempotently (wasm32 target,
# wasm-bindgen-cli at Cargo.lock's version, Debian's Chromium, npm packages,
# the pinned Python packages of e2e/api/requirements.txt in a venv).

SHELL := /bin/bash
CARGO ?= cargo
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
E2E_PORT ?= 18080
# Follows CARGO_TARGET_DIR when set, like cargo, so the browser tests run the
# server binary that was just built.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
E2E_DB := $(TARGET_DIR)/e2e/cascade.db

# The browser tests run against the debug server binary that `cargo test`
# builds anyway, on a fresh SQLite database seeded with the demo company.
CASCADE_E2E_BASE_URL := http://127.0.0.1:$(E2E_PORT)
CASCADE_E2E_SERVER_CMD := CASCADE__SERVER__STATIC_DIR=$(CURDIR)/frontend/dist CASCADE__SERVER__WORK_DIR=$(TARGET_DIR)/e2e/work $(TARGET_DIR)/debug/cascade serve --port $(E2E_PORT) --demo-if-empty --database-url sqlite:$(E2E_DB)
E2E_PREREQS := server-debug e2e-fresh-db

include mk/frontend.mk

PYTHON ?= python3
API_VENV := $(TARGET_DIR)/api-venv

.PHONY: run test build server server-debug e2e-fresh-db check-postgres fmt-check clippy test-rust api-contract lint openapi bench clean

run: frontend server
	$(TARGET_DIR)/release/cascade serve --demo-if-empty

build: frontend server

server:
	$(CARGO) build --release -p cascade-server

# `cargo test --workspace` builds this binary with the workspace's unified
# features; a plain `cargo build -p cascade-server` would resolve features
# differently and rebuild much of the dependency tree (≈ 4 min cold).
server-debug:
	$(CARGO) test --workspace --no-run

e2e-fresh-db:
	rm -rf $(dir $(E2E_DB)) && mkdir -p $(dir $(E2E_DB))

test: check-postgres fmt-check clippy test-rust api-contract e2e
	@echo "make test: all checks passed"

# The storage tests run on PostgreSQL too; they must never be skipped.
check-postgres:
	@psql "$(PG_ADMIN_URL)" -Atqc 'select 1' >/dev/null 2>&1 || { \
	  echo "make test: no PostgreSQL answers at $(PG_ADMIN_URL)."; \
	  echo "Start it (here: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start) or set PG_ADMIN_URL."; \
	  exit 1; }

fmt-check:
	$(CARGO) fmt --all -- --check

clippy: tools-wasm
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p cascade-frontend --target $(WASM_TARGET) -- -D warnings

test-rust:
	CASCADE_TEST_POSTGRES_URL="$(PG_ADMIN_URL)" $(CARGO) test --workspace

# The published document is valid OpenAPI, and Schemathesis finds nothing
# over all of it against the real server, on SQLite and PostgreSQL.
api-contract: server-debug $(API_VENV)/.installed
	e2e/api/run.sh $(TARGET_DIR)/debug/cascade $(API_VENV) $(TARGET_DIR)/api-contract "$(PG_ADMIN_URL)"

$(API_VENV)/.installed: e2e/api/requirements.txt
	$(PYTHON) -m venv $(API_VENV)
	$(API_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	@touch $@

lint: fmt-check clippy

openapi:
	$(CARGO) run -q -p cascade-server -- openapi > openapi/openapi.json

bench:
	scripts/bench-import.sh

clean: frontend-clean
	$(CARGO) clean
