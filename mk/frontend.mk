# The SPA (Leptos CSR compiled to WASM, no trunk) and the browser tests.
# Included by the root Makefile. Paths are taken from this file's location,
# so `make -C` from anywhere works. Every variable below can be set before
# the `include` or on the command line.
#
#   make tools-wasm   wasm32 target + wasm-bindgen CLI at Cargo.lock's version
#   make frontend     frontend/dist: index.html, style.css, JS glue, .wasm
#   make frontend-lint  rustfmt check, clippy for host and wasm32, host tests
#   make e2e          Chromium + npm deps, then Playwright against a real server
#   make frontend-clean

FE_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)

CARGO ?= cargo
RUSTUP ?= rustup
NPM ?= npm
APT_GET ?= apt-get
WASM_TARGET ?= wasm32-unknown-unknown
WASM_BINDGEN ?= wasm-bindgen
# The size pass: `wasm-opt -Oz` from the npm package `binaryen` (pinned in
# e2e/package.json, installed by e2e-deps). Empty skips it. Never Debian's
# binaryen: its old wasm-opt emits a module that fails at start with
# `WebAssembly.Table.set()` errors.
FRONTEND_WASM_OPT ?= $(E2E_DIR)/node_modules/.bin/wasm-opt

FRONTEND_DIR ?= $(FE_ROOT)/frontend
FRONTEND_DIST ?= $(FRONTEND_DIR)/dist
# Follows CARGO_TARGET_DIR when that is set, like cargo itself.
FRONTEND_TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),$(FE_ROOT)/target)
FRONTEND_WASM := $(FRONTEND_TARGET_DIR)/$(WASM_TARGET)/wasm-release/cascade-frontend.wasm
# Static files copied beside the wasm-bindgen output.
FRONTEND_STATIC ?= index.html style.css

E2E_DIR ?= $(FE_ROOT)/e2e
E2E_CHROMIUM ?= /usr/bin/chromium
# Chinese text needs a CJK font in headless Chromium (screenshots).
E2E_CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
CASCADE_E2E_BASE_URL ?= http://127.0.0.1:18080
# The command that starts the server at CASCADE_E2E_BASE_URL, run by
# Playwright from $(E2E_DIR). Empty: the tests expect a running server.
CASCADE_E2E_SERVER_CMD ?=
# Targets the e2e run needs besides `frontend` (e.g. the server binary).
# Prerequisites expand when read: set this before the `include`.
E2E_PREREQS ?=
# Extra Playwright arguments, e.g. E2E_ARGS=--project=mobile
E2E_ARGS ?=

# The version of the `wasm-bindgen` crate locked in Cargo.lock (the CLI must
# match it exactly, or the generated glue refuses the module).
fe_locked_wasm_bindgen = awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/version = |"/, ""); print; exit }' $(FE_ROOT)/Cargo.lock

.PHONY: tools-wasm frontend frontend-lint frontend-clean e2e e2e-browser e2e-deps fe-force

tools-wasm:
	@if command -v $(RUSTUP) >/dev/null 2>&1 && ! $(RUSTUP) target list --installed | grep -qx '$(WASM_TARGET)'; then \
	  echo "rustup target add $(WASM_TARGET)"; $(RUSTUP) target add $(WASM_TARGET); \
	fi
	@test -f $(FE_ROOT)/Cargo.lock || (cd $(FE_ROOT) && $(CARGO) metadata --format-version 1 >/dev/null)
	@want=$$($(fe_locked_wasm_bindgen)); \
	if [ -z "$$want" ]; then echo "tools-wasm: no wasm-bindgen in Cargo.lock" >&2; exit 1; fi; \
	have=$$($(WASM_BINDGEN) --version 2>/dev/null | awk '{ print $$2 }'); \
	if [ "$$have" != "$$want" ]; then \
	  echo "cargo install wasm-bindgen-cli --version $$want (found: $${have:-none})"; \
	  $(CARGO) install wasm-bindgen-cli --version "$$want"; \
	fi

# What the server sends a browser that takes gzip (`asset` in the server's
# startup.rs), compressed once here at the best level: the WASM is 1.5 MB
# as built and a third of that gzipped.
FRONTEND_GZIPPED := $(addprefix $(FRONTEND_DIST)/,cascade_frontend_bg.wasm.gz cascade_frontend.js.gz style.css.gz)

frontend: $(FRONTEND_DIST)/cascade_frontend_bg.wasm $(addprefix $(FRONTEND_DIST)/,$(FRONTEND_STATIC)) $(FRONTEND_GZIPPED)

# Always asks cargo, which knows every source the crate depends on (the
# shared crates too); the file only changes when cargo relinks it, so the
# wasm-bindgen step below runs only then.
$(FRONTEND_WASM): fe-force | tools-wasm
	cd $(FE_ROOT) && $(CARGO) build -p cascade-frontend --target $(WASM_TARGET) --profile wasm-release

$(FRONTEND_DIST)/cascade_frontend_bg.wasm: $(FRONTEND_WASM) | $(if $(FRONTEND_WASM_OPT),e2e-deps)
	$(WASM_BINDGEN) --target web --no-typescript --out-name cascade_frontend --out-dir $(FRONTEND_DIST) $<
	$(if $(FRONTEND_WASM_OPT),$(FRONTEND_WASM_OPT) -Oz $@ -o $@.opt && mv $@.opt $@)

# The JS glue comes out of the wasm-bindgen step above.
$(FRONTEND_DIST)/cascade_frontend.js.gz: $(FRONTEND_DIST)/cascade_frontend_bg.wasm
	gzip -9 -n -c $(FRONTEND_DIST)/cascade_frontend.js > $@.tmp && mv $@.tmp $@

$(FRONTEND_DIST)/%.gz: $(FRONTEND_DIST)/%
	gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

$(addprefix $(FRONTEND_DIST)/,$(FRONTEND_STATIC)): $(FRONTEND_DIST)/%: $(FRONTEND_DIR)/%
	@mkdir -p $(@D)
	cp $< $@

fe-force: ;

frontend-lint: tools-wasm
	cd $(FE_ROOT) && $(CARGO) fmt -p cascade-frontend -- --check
	cd $(FE_ROOT) && $(CARGO) clippy -p cascade-frontend --all-targets -- -D warnings
	cd $(FE_ROOT) && $(CARGO) clippy -p cascade-frontend --target $(WASM_TARGET) -- -D warnings
	cd $(FE_ROOT) && $(CARGO) test -p cascade-frontend

frontend-clean:
	rm -rf $(FRONTEND_DIST)

e2e-browser:
	@if ! test -x $(E2E_CHROMIUM) || ! test -f $(E2E_CJK_FONT); then \
	  $(APT_GET) update && $(APT_GET) install -y chromium fonts-wqy-microhei; \
	fi

# npm ci rewrites node_modules/.package-lock.json, so this reruns only when
# the lock changes.
e2e-deps: $(E2E_DIR)/node_modules/.package-lock.json

$(E2E_DIR)/node_modules/.package-lock.json: $(E2E_DIR)/package.json $(wildcard $(E2E_DIR)/package-lock.json)
	cd $(E2E_DIR) && if [ -f package-lock.json ]; then $(NPM) ci; else $(NPM) install; fi
	@touch $@

e2e: frontend e2e-browser e2e-deps $(E2E_PREREQS)
	cd $(E2E_DIR) && \
	  CASCADE_E2E_BASE_URL='$(CASCADE_E2E_BASE_URL)' \
	  CASCADE_E2E_SERVER_CMD='$(CASCADE_E2E_SERVER_CMD)' \
	  CASCADE_E2E_CHROMIUM='$(E2E_CHROMIUM)' \
	  ./node_modules/.bin/playwright test $(E2E_ARGS)
