#!/bin/sh
# Refreshes cmd/switchboard/default.pgo, the CPU profile `go build` compiles
# the switchboard command with (profile-guided optimisation: hot calls are
# inlined and laid out by how often they run). It is recorded on the paths
# issue 14 measures, which are also where a busy node spends its CPU: webhooks
# received at concurrency 64 with and without the inbound workflow
# (bench/ingest), workflow runs (bench/workflow) and assignments
# (bench/routing). Refresh it after a change to a hot path, then rebuild.
# The profiled programs are compiled without the current profile, so the
# new one does not depend on the old. `make pgo` runs it (a few minutes).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -pgo=off -o "$tmp/switchboard" ./cmd/switchboard
go run -pgo=off ./bench/ingest -bin "$tmp/switchboard" -levels 64 -idle 0 -raw=false -minimal=false -followups=false -cpuprofile "$tmp" >/dev/null
go run -pgo=off ./bench/workflow -contacts 10000 -waiting 0 -cpuprofile "$tmp/workflow.pprof" >/dev/null
go run -pgo=off ./bench/routing -n 50000 -refills 200 -cpuprofile "$tmp/routing.pprof" >/dev/null
go tool pprof -proto "$tmp"/*.pprof >"$tmp/merged.pgo"
mv "$tmp/merged.pgo" cmd/switchboard/default.pgo
echo "wrote cmd/switchboard/default.pgo from: $(cd "$tmp" && ls *.pprof | tr '\n' ' ')"
