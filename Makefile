# Marquee: `make run` to try it, `make test` to test it. See README.md.
# Every target installs what it needs first (deps: ffmpeg, jq, Go modules, npm packages;
# deps-browser adds Chromium and the S3 and mail test servers); make runs each only once.
SHELL := /bin/bash
GO ?= go
BIN := bin/marquee
DATA_DIR ?= ./data
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run build build-go build-spa deps deps-browser test test-go test-spa test-e2e \
        generate check-generated lint clean

run: deps build
	$(BIN) serve --data-dir $(DATA_DIR)

deps:
	@scripts/deps.sh

deps-browser:
	@scripts/deps.sh --browser

build: build-spa build-go

build-spa: deps
	npm --prefix spa run build

build-go:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/marquee

test: deps-browser build test-go test-spa test-e2e

test-go: deps
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...

test-spa: deps
	npm --prefix spa test

test-e2e: deps-browser build
	MARQUEE_BIN=$(abspath $(BIN)) npm --prefix spa run e2e

generate: deps
	$(GO) mod tidy
	cd ent && $(GO) run -mod=mod entc.go
	$(GO) run ./graph/generate
	npm --prefix spa run codegen

check-generated: generate
	@if [ -n "$$(git status --porcelain -- ent ent.graphqls graph go.mod go.sum spa/src/gql)" ]; then \
	  echo "generated files are stale; run make generate and commit:"; \
	  git status --porcelain -- ent ent.graphqls graph go.mod go.sum spa/src/gql; \
	  git --no-pager diff --stat; exit 1; fi

# Runs every fuzz target for FUZZTIME, one after another. Their seed corpora (testdata/fuzz)
# already run as plain tests in test-go. FUZZTIME counts executions ("5000x") by default:
# a duration ("3s") works too, but Go 1.26's fuzz coordinator can fail a duration-bounded
# run with "context deadline exceeded" when the machine is busy (go.dev/issue/75804).
FUZZTIME ?= 5000x
FUZZ_TARGETS := \
	internal/media:FuzzVerify internal/media:FuzzSignVerify internal/media:FuzzArtURL \
	internal/media:FuzzMediaPath internal/media:FuzzFilterMaster \
	internal/search:FuzzQueryWords \
	internal/auth:FuzzEmail internal/auth:FuzzPassword internal/auth:FuzzName \
	internal/geo:FuzzNormalizeCountry \
	internal/billing:FuzzCard internal/billing:FuzzPayPal \
	transcoder:FuzzParseProbe transcoder:FuzzSniff transcoder/subtitle:FuzzConvert

.PHONY: fuzz
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t#*:} ($${t%%:*})"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*}/; \
	done

# govulncheck against a pinned copy of the Go vulnerability database (see the script).
.PHONY: vulncheck
vulncheck: deps
	@scripts/vulncheck.sh

lint: deps
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	npm --prefix spa run typecheck

clean:
	rm -rf bin spa/dist/assets spa/dist/playground.html
	git checkout -- spa/dist/index.html

# Every benchmark program in turn (each within 5 minutes, qoe within 45, recs within 20), each
# printing its figures beside its baseline; bench/report files each output into its section of
# BENCHMARKS.md with the command, the machine and the date. segments needs wrk and nginx,
# search PostgreSQL, qoe Chromium, recs the MovieLens sets in $MOVIELENS_DIR for its real-data
# rows; one that cannot run says why in its block. About an hour on 2 cores.
.PHONY: bench
bench: deps build
	$(GO) run ./bench/report
