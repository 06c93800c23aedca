# Switchboard — build, run, test, lint and benchmark.
GO      ?= go
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/switchboard-chat/switchboard/internal/cli.Version=$(VERSION)
GOFILES := $(shell find . -name '*.go' -not -path './web/*' -not -path './e2e/*' 2>/dev/null) web/embed.go go.mod go.sum cmd/switchboard/default.pgo $(wildcard internal/channel/widget/assets/*)
# The web app's sources: a change rebuilds web/dist, which the binary embeds.
WEBSRC  := $(shell find web/src web/scripts -type f 2>/dev/null) web/index.html web/package.json web/vite.config.ts web/tsconfig.json
DATA    ?= ./data
ADDR    ?= 127.0.0.1:8080
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0

.PHONY: build run test test-go test-browser test-faults test-size test-web test-e2e lint bench bench-waiting soak pgo clean

build: bin/switchboard

# Rebuilt only when a Go source or the web app changes.
bin/switchboard: $(GOFILES) web/dist/index.html
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./cmd/switchboard

# The web app (Node.js 20.19+): dependencies installed when the lock file
# changes, the app built when a source changes.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The API's types, generated from the server's OpenAPI document
# (web/src/lib/openapi.json, which TestWebAppOpenAPIIsCurrent keeps in step
# with the server): 23,000 lines nobody reads or edits, so not committed.
web/src/lib/api-types.ts: web/src/lib/openapi.json web/node_modules/.package-lock.json
	cd web && npm run api-types

web/dist/index.html: web/node_modules/.package-lock.json web/src/lib/api-types.ts $(WEBSRC)
	cd web && npm run build

# Start on the embedded SQLite store under $(DATA) with the demo workspace,
# printing the URL and how to sign in.
run: build
	./bin/switchboard serve --addr $(ADDR) --data $(DATA) --demo

# Every test, with the race detector, and gofmt, go vet and staticcheck. Store tests also run on PostgreSQL
# when SWITCHBOARD_TEST_POSTGRES is set (.ci/run starts a server for them;
# so does scripts/with-postgres.sh for a developer).
# The Go tests run beside the web app's and the linters (three jobs at
# once, three Go test packages at a time): one after the other the suite
# took 31 minutes on a slow day of the 2-core CI machine, two jobs side
# by side 28. The suite is bound by the cores' work: `time` counts
# neither PostgreSQL's server nor Chromium's processes, so the 107-120%
# CPU it prints is not the machine's load, and moving the unit tests
# beside the linters made it slower (31 minutes, stop 68). The app is built
# first, so that no test compiles the embedded web/dist while Vite
# rewrites it; each job's output is printed whole when it ends, with the
# times it started and ended, so that a slow run shows its critical path.
test: web/dist/index.html
	$(MAKE) -j3 --output-sync=target lint test-go test-browser

# One after the other: the browser tests' waits are bounded, and the unit
# tests beside them would only crowd them. The browser tests first: vitest
# is CPU-bound and took 408 s beside the Go tests (49 s alone, stop 70),
# the browser tests, bound by their pages' waits, lose less to the crowd;
# run last, vitest has the cores the Go job leaves as it ends (the browser
# job was the critical path, ~30 minutes with vitest first).
test-browser:
	@date -u +'%T test-browser starts'
	$(MAKE) test-e2e
	@date -u +'%T test-e2e ends'
	$(MAKE) test-web
	@date -u +'%T test-browser ends'

# The race detector watches our code and the Go parts of the SQLite driver,
# not SQLite itself: modernc.org/sqlite/lib is SQLite's C translated to Go,
# and instrumenting its every memory access made the store-bound packages
# three times slower (the suite neared CI's 30 minutes). Its locks are
# libc's pthread mutexes (modernc.org/libc, still instrumented), so the
# ordering they give our code stays visible to the detector.
# bench/harness.Build builds race-enabled child nodes the same way.
RACE := -race -gcflags=modernc.org/sqlite/lib=-race=false

# The longest packages are named first so that they start first (go test
# starts packages in the order listed): in ./... order they started half
# way through and ran alone at the end, 9 to 11 minutes each in a clean-clone
# run. Each is listed once however often named.
SLOW_PACKAGES := ./internal/crashtest ./internal/httpapi ./internal/conversation ./internal/routing ./internal/report \
	./internal/workflow ./bench/e2e ./bench/harness ./internal/app

# A few volume and quality tests shrink or skip under -race (see
# internal/report/race_on_test.go); they run at full size without it.
test-go:
	@date -u +'%T test-go starts'
	$(GO) test $(RACE) -p 3 -count=1 -timeout 20m $(SLOW_PACKAGES) ./...
	$(GO) test -count=1 -timeout 10m -run 'TestScriptedMonth|TestSegmentsMatchTheScan|TestRetrievalEvaluation|TestRestartContinuesEveryRun' \
		./internal/report/ ./internal/knowledge/ ./internal/workflow/
	@date -u +'%T test-go ends'

# The long fault tests of several nodes on PostgreSQL (internal/crashtest):
# three nodes, nodes killed and restarted under load, PostgreSQL stopped
# for 10 s, the integrator slow and failing under six times the load,
# sends given up after their 10th attempt, auto-close timers across
# nodes; `make test` runs their short versions. They start a PostgreSQL
# server of their own (installed: scripts/with-postgres.sh installs it).
test-faults:
	SWITCHBOARD_TEST_FAULTS=1 $(GO) test $(RACE) -count=1 -timeout 30m -run 'TestSeveralNodes|TestOnceAcrossNodes|TestNodeKilled|TestPostgresStopped|TestIntegratorSlowAndFailing|TestBackup|TestGiveUpAcrossNodes|TestAutoCloseAcrossNodes' -v ./internal/crashtest/
	$(MAKE) test-size

# Issue 14's proof at size (TestProofAtSize): two, then three nodes on one
# PostgreSQL, 200 agents with a live socket each, 20,000 conversations
# through the seed workflow, one node killed midway. Built without -race:
# the race detector makes the nodes 5-10 times slower, and the short
# version in `make test` runs with it. SWITCHBOARD_PROOF_CONTACTS=N runs
# N conversations instead of 20,000 on a machine that cannot give it the
# time (docs/benchmarks-history.md, "Proof at size").
test-size:
	SWITCHBOARD_TEST_FAULTS=1 $(GO) test -count=1 -timeout 180m -run 'TestProofAtSize' -v ./internal/crashtest/

# The web app's unit tests (vitest), its type check, and the browser tests
# in real headless Chromium (/usr/bin/chromium, or $$CHROMIUM) against the
# built binary.
test-web: web/node_modules/.package-lock.json web/src/lib/api-types.ts
	cd web && npx tsc -b && npm test

test-e2e: bin/switchboard
	cd web && npm run e2e

lint-fast:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

lint: lint-fast
	$(GO) run $(STATICCHECK) ./...
	@date -u +'%T lint ends'

# Benchmarks: results (ratios measured in one run) go to docs/benchmarks.md.
# The benchmarks that run the store and engine in their own process are
# compiled with the switchboard command's profile (cmd/switchboard/default.pgo,
# which go build applies to that command by itself), so they measure the
# code as it is shipped.
BENCH := $(GO) run -pgo=cmd/switchboard/default.pgo
bench: build
	$(BENCH) ./bench/ingest -out docs/benchmarks.md
	$(BENCH) ./bench/routing -out docs/benchmarks.md
	$(BENCH) ./bench/workflow -out docs/benchmarks.md
	$(BENCH) ./bench/inbox -out docs/benchmarks.md
	$(BENCH) ./bench/contacts -out docs/benchmarks.md
	$(BENCH) ./bench/reports -out docs/benchmarks.md
	$(BENCH) ./bench/e2e -out docs/benchmarks.md
	cd web && node e2e/bench/latency.mjs --out ../docs/benchmarks.md
	cd web && node e2e/bench/builder.mjs --out ../docs/benchmarks.md
	$(MAKE) soak

# Ten minutes of the end-to-end load, watching the server's memory,
# goroutines and error counters: the "## Soak" section of docs/benchmarks.md.
soak: build
	$(BENCH) ./bench/e2e -soak 10m -out docs/benchmarks.md

# 1,000,000 workflow runs waiting at a question on a real node, and the node
# restarted under them: the "## Workflows: 1,000,000 waiting runs" section.
# Not in `make bench`: it copies a sample into a 5 GB store (tens of minutes
# on a busy 2-core machine) and needs that much free disk in $$TMPDIR.
bench-waiting: build
	$(BENCH) ./bench/waiting -out docs/benchmarks.md

# Record cmd/switchboard/default.pgo again from the hot paths' benchmarks
# (scripts/pgo-profile.sh says which); the next build compiles with it.
pgo:
	scripts/pgo-profile.sh

clean:
	rm -rf bin web/dist/assets web/dist/index.html
