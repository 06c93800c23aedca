package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// The aims the numbers are read against, as the project set them.
const (
	aimRate        = 10000 // acknowledged msgs/s at concurrency 64
	aimConcurrency = 64
	aimP99         = 50 * time.Millisecond
)

// report is everything one run measured.
type report struct {
	M          harness.Machine
	Levels     []levelResult
	RawSingle  rawResult
	RawBatched []rawResult // one per concurrency level above 1, batch = concurrency
	// Idle is an idle demo node's CPU; WithWorkflow the top level again
	// with the demo's inbound workflow running for every message.
	Idle         idleResult
	WithWorkflow levelResult
	// FollowUps is the top level again with the messages of
	// followUpSenders contacts in turn (see runFollowUpLevel).
	FollowUps levelResult
	// Minimal is the minimal receive pipeline at each level of Levels,
	// measured right after it (none when -minimal=false).
	Minimal []levelResult
	// MinimalStore is the minimal pipeline's store alone, in process, at
	// each level (Batch is the concurrency).
	MinimalStore []rawResult
	// Before is an earlier binary (-before) at each level of Levels,
	// measured right after it (none without -before).
	Before []levelResult
}

// aimIdle is the most of a core an idle node may use.
const aimIdle = 0.01

// rawBatchedFor returns the raw batched loop of batch size c, with one
// INSERT per row or (multiRow) per table.
func (r report) rawBatchedFor(c int, multiRow bool) (rawResult, bool) {
	for _, b := range r.RawBatched {
		if b.Batch == c && b.MultiRow == multiRow {
			return b, true
		}
	}
	return rawResult{}, false
}

// markdown renders the "## Ingest" section.
func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Ingest\n\n")
	p("Written by `go run ./bench/ingest` (`make bench`); every number below comes from one run.\n\n")
	p("%s\n", r.M.Header("SQLite in WAL mode with synchronous=FULL (every commit fsynced before the webhook is answered)"))

	p("### Method\n\n")
	p("For each concurrency level a fresh data folder gets the demo workspace without its inbound workflow (`switchboard demo --json --workflows=false`; bench/workflow measures workflows), then `switchboard serve` runs as a child process on 127.0.0.1. ")
	p("The load generator, in the benchmark process on the same %d cores, keeps *c* keep-alive connections busy for a fixed time: each request is one custom-channel webhook ", r.M.CPUs)
	p("(`POST /channels/custom/{id}/webhook`, bearer channel token) carrying the first message of a new contact (distinct E.164 `contactId`), so each message makes the server ")
	p("resolve and create a contact and identity, open a conversation, store the message and append three events. ")
	p("Latency is from sending the request to reading the 200, which the server sends only after the commit. ")
	p("After each level the server is stopped and its SQLite file is opened read-only to check that every acknowledged message is stored exactly once. ")
	p("CPU is per acknowledged message, for the server and for the load generator; *other load* is the CPU that every other process on the machine used meanwhile (from /proc/stat), in cores: above a few tenths, the numbers are lower than a quiet machine would give.\n\n")
	p("The raw baselines insert the same %d rows per message (contact, identity, conversation, message and the three events) into a fresh SQLite file with the real schema ", rowsPerMessage)
	p("and the same pragmas, from one goroutine, with statements prepared once (as the server's writer keeps them) and no HTTP, JSON or reads: **raw loop** commits each message in its own transaction (one fsync per acknowledged message, as a naive server would); ")
	p("**raw batched** commits *c* messages per transaction, the most the group committer can share at concurrency *c* (one request in flight per connection), so it is an upper bound for group commit, not a measured batch size. ")
	p("Each batched loop writes as many messages as the server acknowledged at that level. ")
	p("**raw multi-row** is raw batched with one multi-row INSERT per table per transaction (ids chosen by the loop): the same rows and fsyncs, far fewer statements, so the gap between the two is the cost of executing statements one by one. ")
	p("The server writes the webhooks that arrive while earlier ones are written as one receive batch, with one multi-row INSERT per table (internal/conversation/receive_batch.go), so it sits between the two.\n\n")
	p("To see where a node's CPU goes, `-cpuprofile DIR` writes each served node's CPU profile (`switchboard serve --cpu-profile FILE`, from start to exit) for `go tool pprof`; ")
	p("`-before BIN` also serves each level with an earlier binary, right after the current one, for a before/after in one run.\n\n")

	p("### Results\n\n")
	p("| concurrency | messages | msgs/s | p50 | p99 | max | failures | stored (verified) | CPU µs/msg server + client | other load | × raw loop | × raw batched (same c) |\n")
	p("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	for _, l := range r.Levels {
		batched := "—"
		if rb, ok := r.rawBatchedFor(l.Concurrency, false); ok && rb.Rate() > 0 {
			batched = fmt.Sprintf("%.2f", l.Rate()/rb.Rate())
		}
		verified := "yes"
		if !l.Verified {
			verified = "**NO**: " + l.VerifyNote
		}
		p("| %d | %d | %.0f | %s | %s | %s | %d | %d (%s) | %.0f + %.0f | %s | %.2f | %s |\n",
			l.Concurrency, l.Acked, l.Rate(), harness.Ms(l.P50), harness.Ms(l.P99), harness.Ms(l.Max), l.Failures, l.Stored, verified,
			perMsg(l.ServerCPU, l.Acked), perMsg(l.ClientCPU, l.Acked), otherLoad(l), harness.Ratio(l.Rate(), r.RawSingle.Rate()), batched)
	}
	for _, l := range r.Levels {
		if l.FirstError != "" {
			p("\nFirst failure at concurrency %d: `%s`\n", l.Concurrency, l.FirstError)
		}
	}
	p("\n### Idle, with the demo workflow, and follow-ups\n\n")
	p("**Idle**: a node serving the demo workspace with its inbound workflow started (as `make run` does), 2 s after start, watched for %s while nothing happens. ", r.Idle.Window)
	p("**With the demo workflow**: the top level again on a fresh store whose demo has the inbound workflow started, so every message also starts a run that sends the welcome and the question ")
	p("(delivered by the outbound dispatcher to an integrator in the benchmark process that accepts them) and then waits for the answer; the rate is still of acknowledged webhooks. ")
	p("**Follow-ups**: the top level again on a fresh store (no workflow), its messages from %d contacts in turn, so that past the first message of each, every one is a known contact's next message in its open conversation: ", followUpSenders)
	p("the server finds the contact and its conversation, stores the message, updates both and appends one event.\n\n")
	p("| measure | value | aim | met? |\n|---|---:|---:|---|\n")
	if r.Idle.Window > 0 {
		p("| idle node's CPU | %.2f%% of a core (%s in %s) | < %.0f%% | %s |\n", 100*r.Idle.Share(), r.Idle.CPU.Round(time.Millisecond), r.Idle.Window, 100*aimIdle, harness.MetOr(r.Idle.Share() < aimIdle))
	}
	if w := r.WithWorkflow; w.Acked > 0 && len(r.Levels) > 0 {
		base := r.Levels[len(r.Levels)-1]
		p("| c=%d with the workflow | %.0f msgs/s, p99 %s, %.0f µs of server CPU per message | — | — |\n", w.Concurrency, w.Rate(), harness.Ms(w.P99), perMsg(w.ServerCPU, w.Acked))
		p("| × the same level without it | %.2f | — | — |\n", harness.Ratio(w.Rate(), base.Rate()))
	}
	if f := r.FollowUps; f.Acked > 0 && len(r.Levels) > 0 {
		base := r.Levels[len(r.Levels)-1]
		p("| c=%d, follow-ups from %d contacts | %.0f msgs/s, p99 %s, %.0f µs of server CPU per message | — | — |\n", f.Concurrency, f.Senders, f.Rate(), harness.Ms(f.P99), perMsg(f.ServerCPU, f.Acked))
		p("| × the same level's first messages | %.2f | — | — |\n", harness.Ratio(f.Rate(), base.Rate()))
	}
	p("\n### Raw SQLite baselines\n\n")
	p("| loop | messages per transaction | messages | msgs/s | CPU µs/msg |\n|---|---:|---:|---:|---:|\n")
	p("| raw loop | 1 | %d | %.0f | %.0f |\n", r.RawSingle.Messages, r.RawSingle.Rate(), perMsg(r.RawSingle.CPU, r.RawSingle.Messages))
	for _, rb := range r.RawBatched {
		name := "raw batched"
		if rb.MultiRow {
			name = "raw multi-row"
		}
		p("| %s | %d | %d | %.0f | %.0f |\n", name, rb.Batch, rb.Messages, rb.Rate(), perMsg(rb.CPU, rb.Messages))
	}
	b.WriteString(r.minimalMarkdown())
	p("\n### Reading\n\n")
	b.WriteString(r.minimalReading())
	b.WriteString(r.reading())
	return b.String()
}

// reading states what the numbers say against the aims, from the numbers
// alone, so a rerun on another machine rewrites it truthfully.
func (r report) reading() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var top *levelResult
	for i := range r.Levels {
		if r.Levels[i].Concurrency == aimConcurrency {
			top = &r.Levels[i]
		}
	}
	if top == nil {
		p("- Concurrency %d was not measured, so the aim (≥ %d msgs/s with p99 < %s) is not assessed.\n", aimConcurrency, aimRate, harness.Ms(aimP99))
	} else {
		p("- Aim at concurrency %d: ≥ %d msgs/s with every acknowledged message fsynced, p99 < %s. Measured %.0f msgs/s (%s, %.0f%% of the aim) with p99 %s (%s).\n",
			aimConcurrency, aimRate, harness.Ms(aimP99), top.Rate(), harness.MetOr(top.Rate() >= aimRate), 100*top.Rate()/aimRate, harness.Ms(top.P99), harness.MetOr(top.P99 < aimP99))
		if rb, ok := r.rawBatchedFor(aimConcurrency, false); ok && rb.Rate() > 0 {
			cpu, wall := perMsg(rb.CPU, rb.Messages), 1e6/rb.Rate()
			p("- The store alone, committing %d messages per fsync from one goroutine, reaches %.0f msgs/s, using %.0f µs of CPU per message in %.0f µs of wall time",
				aimConcurrency, rb.Rate(), cpu, wall)
			if cpu >= 0.7*wall {
				p(": it is CPU-bound, so that is about what one SQLite writer can do with these %d inserts, one statement per row, on this CPU. ", rowsPerMessage)
			} else {
				p(". ")
			}
			p("The server's single writer writes each receive batch with about ten statements and one multi-row INSERT per table, runs the event consumers' projections (reports, workflows) too, and reaches %.2f× the raw batched rate.", harness.Ratio(top.Rate(), rb.Rate()))
			if mr, ok := r.rawBatchedFor(aimConcurrency, true); ok && mr.Rate() > 0 {
				p(" Writing the same rows with one multi-row INSERT per table reaches %.0f msgs/s (%.0f µs of CPU per message): statement count, not rows or fsyncs, is what the writer spends its time on.",
					mr.Rate(), perMsg(mr.CPU, mr.Messages))
			}
			if rb.Rate() < aimRate {
				p(" With one statement per row even the raw loop is below the aim here: the aim needs few statements per message on the writer, not more concurrency.\n")
			} else {
				p(" The store is fast enough; the gap is server-side cost.\n")
			}
		}
		cpu := (top.ServerCPU + top.ClientCPU).Seconds() / float64(max(top.Acked, 1))
		if cpu > 0 {
			ceiling := float64(r.M.CPUs) / cpu
			p("- CPU: each message cost %.0f µs of server CPU and %.0f µs of load-generator CPU; with both on %d cores the CPU alone caps the rate near %.0f msgs/s, and the run reached %.0f%% of that cap",
				perMsg(top.ServerCPU, top.Acked), perMsg(top.ClientCPU, top.Acked), r.M.CPUs, ceiling, 100*top.Rate()/ceiling)
			if top.Rate() >= 0.8*ceiling {
				p(", so the run is CPU-bound: server CPU per message is what to cut.\n")
			} else {
				p(": the cores still had idle time, so the rate is limited by the serial part, one writer executing the receive batches and the consumers' projections and then waiting for each fsync, before the total CPU.\n")
			}
		}
	}
	for _, l := range r.Levels {
		if l.Concurrency == 1 && r.RawSingle.Rate() > 0 {
			p("- At concurrency 1 there is nothing to share a commit with, so the server is bounded by the raw one-fsync-per-message loop (%.0f msgs/s) and reaches %.2f× it (%.0f msgs/s); the difference is HTTP, JSON and the extra statements of the receive path.\n",
				r.RawSingle.Rate(), harness.Ratio(l.Rate(), r.RawSingle.Rate()), l.Rate())
		}
	}
	if len(r.Levels) > 1 && r.RawSingle.Rate() > 0 {
		last := r.Levels[len(r.Levels)-1]
		p("- Group commit: at concurrency %d the server acknowledges %.1f× as many fsynced messages per second as a naive one-transaction-per-webhook loop could at best.\n",
			last.Concurrency, harness.Ratio(last.Rate(), r.RawSingle.Rate()))
	}
	for _, l := range r.Levels {
		if l.OtherCPU > 0 && l.Elapsed > 0 && l.OtherCPU.Seconds()/l.Elapsed.Seconds() >= 0.25 {
			p("- Other processes used %s cores on average during the concurrency-%d level, so that level's numbers understate a quiet machine.\n", otherLoad(l), l.Concurrency)
		}
	}
	failures := 0
	for _, l := range r.Levels {
		failures += l.Failures
		if !l.Verified {
			p("- **Verification failed at concurrency %d: %s.**\n", l.Concurrency, l.VerifyNote)
		}
	}
	p("- Failures: %d requests did not get a 200.\n", failures)
	return b.String()
}

// otherLoad is the average number of cores other processes kept busy
// during a level.
func otherLoad(l levelResult) string {
	if l.OtherCPU < 0 || l.Elapsed <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", l.OtherCPU.Seconds()/l.Elapsed.Seconds())
}

func perMsg(d time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(d.Microseconds()) / float64(n)
}
