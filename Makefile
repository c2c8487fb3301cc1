# Refurb: `make run` serves with a private PostgreSQL, `make test` runs every test on a
# throwaway one. `make help` lists the targets.
GO          ?= go
BIN         := bin/refurb
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS     := -X main.buildVersion=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# withpg starts one throwaway PostgreSQL cluster for the whole run (unless TEST_DATABASE_URL
# is set) and runs the command given after -- with TEST_DATABASE_URL pointing at it.
WITHPG      := $(GO) run ./internal/pgtest/withpg --

.PHONY: help build run test test-short fuzz bench bench-http lint fmt migrate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

build: ## build bin/refurb
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/refurb

# make run loads this many demo devices into a database without devices (0: none).
RUN_DEMO_DEVICES ?= 300

run: build ## serve on :8080 with the private database in ./var/postgres (migrated; admin printed and demo data loaded on first start)
	./$(BIN) demo -migrate -if-empty -devices $(RUN_DEMO_DEVICES)
	./$(BIN) serve -migrate

test: ## run every test on a throwaway PostgreSQL
	$(WITHPG) $(GO) test -count=1 ./...

test-short: ## run the tests that need no database
	$(GO) test -short ./...

# make fuzz runs every fuzz target (func FuzzXxx) for FUZZTIME each, FUZZ=Name for those whose
# name contains Name; `make test` runs their seeds and testdata/fuzz as regression tests.
FUZZTIME ?= 20s
FUZZ     ?=

fuzz: ## run every fuzz target for FUZZTIME each (default 20s) on a throwaway PostgreSQL (scripts/fuzz)
	$(WITHPG) scripts/fuzz $(FUZZTIME) $(FUZZ)

# make bench runs the benchmarks of every package, the server's on a generated demo database of this
# many devices, a quick run; docs/performance.md says how to run them on a million.
REFURB_BENCH_DEVICES ?= 100000
BENCHTIME ?= 3s

bench: ## run the benchmarks on a throwaway PostgreSQL (REFURB_BENCH_DEVICES demo devices, BENCHTIME each)
	REFURB_BENCH_DEVICES=$(REFURB_BENCH_DEVICES) $(WITHPG) $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 0 ./...

# make bench-http BENCH_HTTP_FLAGS="--devices 1000000" for the figures; scripts/bench-http --help.
BENCH_HTTP_FLAGS ?=

bench-http: ## the scan through HTTP (wrk) against pgbench's floor, the server a separate process (scripts/bench-http)
	scripts/bench-http $(BENCH_HTTP_FLAGS)

lint: ## go vet, gofmt check, staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

migrate: build ## apply pending migrations to the configured database
	./$(BIN) migrate up

clean: ## remove build output (keeps the database in ./var)
	rm -rf bin
