# Proprio: the two commands of the README, and a few more for developers.
#   make run    set up, build (release), build the demo carrier in ./proprio.db, verify its ledger,
#               then serve the HTTP API and the web console on http://127.0.0.1:8080/
#               (LISTEN=host:port to change)
#   make test   set up, build with AddressSanitizer+UBSan, run every test (unit, SQLite and
#               PostgreSQL store, CLI end to end, benchmark smoke runs), then replay the fuzz
#               corpora and fuzz each parser for FUZZ_SECONDS (default 10)
#   make bench  set up (with wrk, nginx), build (release), run the benchmarks
#   make fuzz   set up, build the libFuzzer harnesses (clang), run each for 10 minutes
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DB ?= proprio.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 10

.PHONY: all setup build run test bench fuzz format clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake --preset release >/dev/null
	@cmake --build build/release -j $(JOBS)

run: build
	@build/release/src/cli/proprio --db $(DB) init
	@build/release/src/cli/proprio --db $(DB) demo
	@build/release/src/cli/proprio --db $(DB) audit verify
	@echo
	@echo "Console: http://$(LISTEN)/  (sign in as alicia.gomez, a CSR, or kim.tran, an auditor)"
	@echo "Demo staff sign in there or at POST /v1/sessions with password proprio-demo-2013:"
	@echo "  alicia.gomez (csr)       priya.raman (compliance_officer)  tom.becker (supervisor)"
	@echo "  robin.ellis (admin)      kim.tran (auditor)                sam.okafor (security)"
	@echo "  marcus.oyelaran (general_counsel)  jordan.pike (marketing)"
	@echo "Try the curl calls in README.md (section HTTP API). Ctrl-C stops the server."
	@echo
	@exec build/release/src/cli/proprio --db $(DB) serve --listen $(LISTEN)

test: setup
	@cmake --preset asan >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	@scripts/fuzz --seconds $(FUZZ_SECONDS)
	@scripts/test-counts build/asan

fuzz: setup
	@scripts/fuzz --seconds 600

bench: build
	@scripts/setup --bench
	@bench/run.sh

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
