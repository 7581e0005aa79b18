# Entry points of the edge BFF project. Every target installs what is missing first
# (scripts/bootstrap.sh, into EDGE_BFF_CACHE outside the clone) and is quick when nothing is.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Every frontend is a folder: workers/<name>/ (crate bff-<name>), wrangler/<name>.toml, tests/<name>/.
WORKERS := $(sort $(patsubst workers/%/Cargo.toml,%,$(wildcard workers/*/Cargo.toml)))
ENVS := dev staging production

export EDGE_BFF_CACHE ?= $(HOME)/.cache/edge-bff
# Build artifacts live beside the tools so a fresh clone reuses compiled dependencies.
export CARGO_TARGET_DIR ?= $(EDGE_BFF_CACHE)/target
export PATH := $(CURDIR)/node_modules/.bin:$(EDGE_BFF_CACHE)/cargo/bin:$(PATH)
# worker-build would download these; point it at the pinned local ones instead.
export WASM_BINDGEN_BIN := $(EDGE_BFF_CACHE)/cargo/bin/wasm-bindgen
export ESBUILD_BIN := $(CURDIR)/node_modules/.bin/esbuild
export WASM_OPT_BIN := $(CURDIR)/node_modules/.bin/wasm-opt
export WRANGLER_SEND_METRICS := false
export MOCK_ORIGINS_BIN := $(CARGO_TARGET_DIR)/mocks/mock-origins

SHARED_SOURCES := Cargo.toml Cargo.lock $(shell find shared -name '*.rs' -o -name Cargo.toml -o -name '*.js')
MOCK_SOURCES := Cargo.toml Cargo.lock $(shell find mocks -name '*.rs' -o -name Cargo.toml)

.PHONY: help bootstrap build mocks dev test test-rust test-miniflare lint bench openapi clients \
	soak profile compare cold-code check-clients check-deploy new-frontend clean \
	$(addprefix build-,$(WORKERS)) $(addprefix dev-,$(WORKERS)) $(addprefix test-,$(WORKERS))

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@echo "  make dev-<frontend>, build-<frontend>, test-<frontend>: one frontend's ($(WORKERS))"

bootstrap: ## install missing tools (wasm target, worker-build, wasm-bindgen-cli, Node 22, npm packages)
	@scripts/bootstrap.sh
	@scripts/claim-target.sh

build: $(addprefix build-,$(WORKERS)) mocks ## build every Worker and the mock origins

define worker_rules
# worker-build writes build/index.js and build/index_bg.wasm; the Worker's entry module is
# shared/js/entry.js beside them (build/worker.js), which wrangler and the tests load.
workers/$(1)/build/worker.js: $(SHARED_SOURCES) $(shell find workers/$(1) -name '*.rs' -not -path '*/build/*') workers/$(1)/Cargo.toml
	@$(MAKE) bootstrap
	worker-build --release workers/$(1)
	cp shared/js/entry.js $$@
build-$(1): workers/$(1)/build/worker.js

dev-$(1): bootstrap build-$(1) mocks
	@WEB_APP_ORIGIN="$(WEB_APP_ORIGIN)" scripts/dev.sh $(1)

# One team's checks only: its crate's Rust tests, its Miniflare folder (tests/<frontend>/, which
# starts only its own Worker), its deploy dry-runs.
test-$(1): bootstrap build-$(1) mocks
	cargo test -p bff-$(1) --locked
	@scripts/bootstrap.sh --browser
	vitest run --passWithNoTests tests/$(1)/
	@scripts/check-deploy.sh "$(1)" "$(ENVS)"
endef
$(foreach worker,$(WORKERS),$(eval $(call worker_rules,$(worker))))

mocks: $(MOCK_ORIGINS_BIN) ## build the mock origins

$(MOCK_ORIGINS_BIN): $(MOCK_SOURCES)
	cargo build --profile mocks -p mock-origins
	@touch $@

dev: bootstrap build ## mocks on :8700 and every BFF on its port (web :8787, mobile :8788, voice :8789; WEB_APP_ORIGIN=… admits a dev server); Ctrl-C stops all
	@WEB_APP_ORIGIN="$(WEB_APP_ORIGIN)" scripts/dev.sh $(WORKERS)

new-frontend: bootstrap ## scaffold a new frontend: make new-frontend NAME=<name>
	@scripts/new-frontend.sh "$(NAME)"

test: bootstrap lint check-clients test-rust build test-miniflare check-deploy ## everything CI checks
	@rust=$$(cat $(CARGO_TARGET_DIR)/rust-tests.count); mf=$$(cat $(CARGO_TARGET_DIR)/miniflare-tests.count); \
	 echo "make test: Rust $$rust + Miniflare $$mf tests, deploy dry-runs ok"; \
	 echo "$$((rust + mf)) passed, 0 failed"

lint: ## rustfmt check and clippy with warnings denied
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

test-rust: ## native unit tests of every crate
	@mkdir -p $(CARGO_TARGET_DIR)
	cargo test --workspace --locked 2>&1 | tee $(CARGO_TARGET_DIR)/rust-tests.log
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "Rust tests: %d passed, %d failed\n", p, f; print p > "$(CARGO_TARGET_DIR)/rust-tests.count"}' $(CARGO_TARGET_DIR)/rust-tests.log

.PHONY: test-platform
test-platform: bootstrap build ## the platform team's Miniflare tests (tests/platform/), against every frontend
	vitest run tests/platform/

test-miniflare: build ## Miniflare and browser tests of the built Workers against the mock origins
	@scripts/bootstrap.sh --browser
	@mkdir -p $(CARGO_TARGET_DIR)
	vitest run --reporter=default --reporter=json --outputFile.json=$(CARGO_TARGET_DIR)/miniflare-tests.json
	@node -e 'const r = require(process.argv[1]); console.log(`Miniflare tests: $${r.numPassedTests} passed, $${r.numFailedTests} failed`); require("fs").writeFileSync(process.argv[2], String(r.numPassedTests))' \
	  $(CARGO_TARGET_DIR)/miniflare-tests.json $(CARGO_TARGET_DIR)/miniflare-tests.count

check-deploy: bootstrap build ## wrangler deploy --dry-run for every worker and env, with bundle sizes
	@scripts/check-deploy.sh "$(WORKERS)" "$(ENVS)"

soak: bootstrap build ## chaos soak + reconciliation, 10,000 bad requests per Worker, raw HTTP, breaker figure (SOAK_SECONDS=60)
	node soak/run.mjs

clients: bootstrap ## typed TypeScript clients (workers/*/client/api.d.ts) from each Worker's OpenAPI document
	@scripts/clients.sh

check-clients: bootstrap ## the committed clients match the documents, and the web app type-checks against its client
	@scripts/clients.sh --check
	tsc -p workers/web

openapi: bootstrap ## regenerate workers/*/openapi.json from the view types, and the typed clients
	UPDATE_OPENAPI=1 cargo test $(addprefix -p bff-,$(WORKERS)) openapi
	@scripts/clients.sh

# The floor written with workers-rs alone (bench/floor-rs), for make bench and make profile:
# what a Rust Worker pays for the platform's unavoidable work before a line of ours.
bench/floor-rs/build/index.js: bench/floor-rs/src/lib.rs bench/floor-rs/Cargo.toml
	@$(MAKE) bootstrap
	worker-build --release bench/floor-rs

bench: bootstrap build bench/floor-rs/build/index.js ## benchmark report: CPU per request against the JS floor, cold start, payload sizes, latency, cache, bundle sizes
	node bench/run.mjs

profile: bootstrap build bench/floor-rs/build/index.js ## CPU profile of a Worker under load, top functions by self time (PROFILE_WORKER=mobile|floor|floor-contract|floor-rs|mobile-js|mobile-hono PROFILE_MODE=off|hit PROFILE_TOOL=inspector|perf)
	@if [ "$(PROFILE_TOOL)" = perf ]; then scripts/bootstrap.sh --perf; fi
	node bench/profile.mjs

compare: bootstrap build ## one Worker's CPU per request, a kept build against the current one (COMPARE_BASE=<copy of workers/<w>/build> COMPARE_WORKER=mobile COMPARE_MODE=off|hit|cold)
	node bench/compare.mjs

cold-code: bootstrap build ## the wasm a fresh isolate's first request runs, by function and size (COLD_WORKER=mobile COLD_PATH=/openapi.json)
	node bench/cold-code.mjs

clean: ## remove build outputs of this clone (the tool cache stays)
	rm -rf $(addprefix workers/,$(addsuffix /build,$(WORKERS))) bench/floor-rs/build .wrangler
