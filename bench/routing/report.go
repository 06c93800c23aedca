package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// The aims issue 14 set.
const (
	aimRate   = 10_000
	aimRefill = 5 * time.Millisecond
)

type report struct {
	M          harness.Machine
	Workers    int
	Throughput throughputResult
	Direct     directResult
	Refill     refillResult
}

// markdown renders the "## Routing" section, its reading computed from
// the numbers so a rerun elsewhere rewrites it truthfully.
func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	t, d, f := r.Throughput, r.Direct, r.Refill
	p("## Routing\n\n")
	p("Written by `go run ./bench/routing` (`make bench`); every number below comes from one run.\n\n")
	p("%s", r.M.Header(""))
	p("- Store: SQLite in WAL mode with synchronous=FULL, routing writes through the group committer, in process (no HTTP)\n\n")
	p("### Method\n\n")
	p("**Throughput**: a workspace of %d agents in %d teams (a quarter of them in two teams), all online, capacity unlimited, ", agents, teams)
	p("takes %d assignments of pre-created open conversations from %d concurrent callers of `routing.Assign`: team targets (one in a hundred the whole workspace), ", t.N, r.Workers)
	p("strategies round robin, least open and longest idle in turn, every other request only to online agents. Each call chooses, claims (one conditional UPDATE of the agent's row, below capacity), ")
	p("writes the assignment with its reason and the event, and commits. Open conversations are never closed in this run, so by the end the busiest agent holds %d; ", t.MaxOpen)
	p("open counts are read from a per-agent counter kept by triggers (`routing_agents.open_count`), so that costs the same at any count.\n\n")
	p("**Baseline**: the same workspace writes %d assignments with `conversation.AssignTx` alone, through the same committer and callers, to a user chosen by index: the write without choosing, claiming or checking.\n\n", d.N)
	p("**Refill**: every agent has capacity 2 (%d slots, all filled) and %d more conversations wait in the team queues. ", f.Slots, f.Queued)
	p("8 closers each close one conversation of one of their agents at a time; the time measured is from the close's commit to the moment the agent's next `conversation.assigned` event is visible in the log. ")
	p("An agent's close refills the freed slot in its own transaction (`conversation.Service.OnSlotFreed` → `routing.RefillTx`), so the next queued conversation is assigned in the close's commit; the routing engine consuming the event log drains the same queues afterwards, as it does for closes made elsewhere (workflow steps, auto-close).\n\n")
	p("### Results\n\n")
	p("| run | operations | per second | p50 | p99 | notes |\n|---|---:|---:|---:|---:|---|\n")
	p("| routing.Assign | %d | %.0f | %s | %s | %d assigned, %d queued, %d failed |\n", t.N, t.Rate(), harness.Ms(t.P50), harness.Ms(t.P99), t.Assigned, t.Queued, t.Failed)
	p("| direct AssignTx (baseline) | %d | %.0f | — | — | no choice, no claim |\n", d.N, d.Rate())
	p("| freed slot → next queued assigned | %d | — | %s | %s | max %s; %d closes found nothing to refill |\n", f.Refills, harness.Ms(f.P50), harness.Ms(f.P99), harness.Ms(f.Max), f.Missed)
	p("| … close → refill committed | | | %s | %s | %d of %d in the close's own commit (0) |\n", harness.Ms(f.DrainP50), harness.Ms(f.DrainP99), f.InClose, f.Refills)
	p("| … commit → event seen | | | %s | %s | the hub's wake-up and the bench's read of the log |\n\n", harness.Ms(f.SeenP50), harness.Ms(f.SeenP99))
	p("CPU of the whole process: %.0f µs per assignment in the throughput run; %.0f µs per close with its refill in the refill run. Under load CPU per operation moves far less than rates and latencies do.\n\n",
		us(t.CPUPer()), us(f.CPU/time.Duration(max(f.Refills, 1))))
	p("### Reading\n\n")
	p("- Aim: ≥ %d assignments/s. Measured %.0f/s (%s, %.0f%% of the aim), %.2f× the direct write's %.0f/s: choosing and claiming costs %.0f%% of the throughput of the write alone.\n",
		aimRate, t.Rate(), harness.MetOr(t.Rate() >= aimRate), 100*t.Rate()/aimRate, harness.Ratio(t.Rate(), d.Rate()), d.Rate(), 100*(1-harness.Ratio(t.Rate(), d.Rate())))
	p("- Aim: a freed slot refilled in < %s at p99. Measured p99 %s (%s), p50 %s.\n", harness.Ms(aimRefill), harness.Ms(f.P99), harness.MetOr(f.P99 < aimRefill && f.Refills > 0), harness.Ms(f.P50))
	if load, err := strconv.ParseFloat(r.M.Load, 64); err == nil && load > float64(r.M.CPUs) {
		p("- The machine was shared: load average %s on %d CPUs when the run started, so every number here is lower (and latencies higher) than a quiet machine gives; the ratio to the baseline, measured in the same run, is the steadier figure.\n", r.M.Load, r.M.CPUs)
	}
	if t.Rate() < aimRate && d.Rate() < aimRate {
		p("- The direct write alone is below the aim on this machine, so the gap is the store's (one fsynced SQLite writer on %d CPUs shared with the load), not only routing's.\n", r.M.CPUs)
	}
	return b.String()
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
