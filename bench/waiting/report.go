package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// heading is the section of docs/benchmarks.md this command writes; it
// follows "## Workflows", which bench/workflow writes whole.
const heading = "## Workflows: 1,000,000 waiting runs"

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// report renders the section.
func report(c config, r result) string {
	var md strings.Builder
	m := r.machine
	p := func(format string, a ...any) { fmt.Fprintf(&md, format, a...) }
	p("%s\n\n", heading)
	p("Written by `go run ./bench/waiting -runs %d -sample %d -answers %d -timers %d` on %s, commit %s (%d CPUs, %s; %s; %s, modernc.org/sqlite %s), "+
		"load average %s when it started; the whole run took %s. The node is the real `switchboard serve`, a child process on a SQLite store (synchronous=FULL, the default).\n\n",
		c.runs, c.sample, c.answers, c.timers, m.Date, m.Commit, m.CPUs, m.CPU, m.OS, m.Go, m.SQLite, m.Load, r.wallClock.Round(time.Second))
	p("**Method.** %d contacts write in through the custom channel's webhook; the demo's inbound workflow welcomes each and asks "+
		"what they need (a multiple-choice question with a one-hour timeout), where the run waits: %s until all were there, their "+
		"messages delivered to the integrator (a local HTTP server of the benchmark) and the workflow engine at the log's end. With the node stopped, the sample's rows are then copied with "+
		"set-based SQL (`bench/waiting/multiply.go`) %d times over: contacts, identities, conversations, messages, their statuses and "+
		"outbound jobs, events, runs, run steps and the report projections, every id that points into the sample moved to the copy's "+
		"range, inside JSON documents too (a run's trigger and `wait_after`, event payloads); the conversation counts follow by the "+
		"schema's triggers, and each event consumer's cursor moves to the same place in the last copy as it had in the sample. "+
		"The store's secondary indexes on those tables are dropped for the copy and built again after it. `TestCopiedRunIsIndistinguishable` "+
		"answers an original run and its copy, and lets the timeout of another pair fire, and finds the same steps, statuses, messages "+
		"and events. The copy took %s (store: %s on disk).\n\n",
		c.sample, r.sampleTook.Round(time.Millisecond), c.runs/c.sample, r.copyTook.Round(time.Second), mb(r.storeBytes))
	p("**Memory and start-up.** The node is started on the sample alone (the idle node) and then on all %d runs; each time the "+
		"reading is taken once it has settled (a whole second under 2%% of a core). RSS is VmRSS of `/proc/PID/status` (anonymous "+
		"memory is what the node allocated, SQLite's page cache included; file-backed is mostly the binary); bytes read is `rchar` of "+
		"`/proc/PID/io`, every read(2) and pread(2), which is how SQLite reads its pages.\n\n", c.runs)
	p("| measure | idle node (%d runs) | %d waiting runs | difference |\n|---|---:|---:|---:|\n", c.sample, c.runs)
	row := func(name string, a, b int64, f func(int64) string) {
		p("| %s | %s | %s | %s |\n", name, f(a), f(b), f(b-a))
	}
	row("RSS (VmRSS)", r.idle.mem.rss, r.full.mem.rss, mb)
	row("of which anonymous (RssAnon)", r.idle.mem.anon, r.full.mem.anon, mb)
	row("of which file-backed (RssFile)", r.idle.mem.file, r.full.mem.file, mb)
	row("PSS (smaps_rollup)", r.idle.mem.pss, r.full.mem.pss, mb)
	row("Go heap in use (from /metrics)", int64(r.idle.heap), int64(r.full.heap), mb)
	p("| goroutines | %.0f | %.0f | %+.0f |\n", r.idle.routines, r.full.routines, r.full.routines-r.idle.routines)
	dur := func(d time.Duration) string { return ms(d) }
	p("| exec → `/readyz` answers 200 | %s | %s | %s |\n", dur(r.idle.ready), dur(r.full.ready), dur(r.full.ready-r.idle.ready))
	p("| node CPU from exec until settled | %s | %s | %s |\n", dur(r.idle.cpu), dur(r.full.cpu), dur(r.full.cpu-r.idle.cpu))
	row("bytes read from files until settled", r.idle.read, r.full.read, mb)
	p("| one scrape of /metrics (counts the runs by status) | %s | %s | %s |\n", dur(r.idle.scrape), dur(r.full.scrape), dur(r.full.scrape-r.idle.scrape))
	p("\nStopping it with SIGTERM took %s.\n\n", r.stopTerm.Round(time.Millisecond))
	p("**Resumed.** After each restart (the first after that SIGTERM, the second after a SIGKILL), with the node down, %d waiting "+
		"runs spread over the whole id range get their question's timeout moved to the moment of the restart, as if their hour had "+
		"passed while the node was down; %d others, also spread over the id range (one at random in each of as many equal slices of it), are "+
		"answered \"Sales\" through the webhook as soon as the node answers ready. A run has resumed when its step is no longer the "+
		"question (the answer takes it through the branch to its Assign To step; the timeout to the Support team's). Times are seen "+
		"by polling the store every 25 ms.\n\n", c.timers, c.answers)
	p("| restart | exec → ready | exec → last due timer fired | answer → run moved p50 / p99 / max | exec → last answered run moved | bytes read until settled | RSS settled after |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, rd := range r.rounds {
		last := time.Duration(0)
		if len(rd.timers) > 0 {
			last = rd.timers[len(rd.timers)-1]
		}
		maxA := time.Duration(0)
		if len(rd.answers) > 0 {
			maxA = rd.answers[len(rd.answers)-1]
		}
		p("| after %s | %s | %s | %s / %s / %s | %s | %s | %s |\n", rd.how, ms(rd.boot.ready), ms(last),
			ms(pct(rd.answers, 50)), ms(pct(rd.answers, 99)), ms(maxA), ms(rd.answered), mb(rd.boot.read), mb(rd.boot.mem.rss))
	}
	p("\nAt the end the store holds %d runs (%d still waiting at the question, one run per conversation: %d duplicates), %s; "+
		"the integrator received %d messages in all.\n\n", r.total, r.stillWaits, r.duplicates, r.consumersAt, r.delivered)
	p("### Reading\n\n")
	grew := r.full.mem.rss - r.idle.mem.rss
	after := int64(0)
	for _, rd := range r.rounds {
		after = max(after, rd.boot.mem.rss-r.idle.mem.rss)
	}
	p("- Aim: %d waiting runs under 300 MB of RSS over the idle node. Measured %s over it once started and settled (%s), and at most %s "+
		"over it after a restart had answered and timed out runs (their pages read into the caches). A waiting run is a row, not "+
		"state in memory: the Go heap moved by %s and the goroutines by %+.0f. What grows is SQLite's page cache, which the store "+
		"bounds whatever its size: 64 MiB on the writer connection and the default 2 MiB on each of the 8 readers.\n",
		c.runs, mb(grew), verdict(c.runs, grew < 300e6 && after < 300e6), mb(after),
		mb(int64(r.full.heap-r.idle.heap)), r.full.routines-r.idle.routines)
	worst := time.Duration(0)
	for _, rd := range r.rounds {
		if len(rd.timers) > 0 {
			worst = max(worst, rd.timers[len(rd.timers)-1])
		}
		worst = max(worst, rd.answered, rd.boot.ready)
	}
	p("- Aim: all of them resumed within 10 s after a restart. \"Resumed\" here means four things, each measured: the node answers "+
		"ready (`/readyz`) — %s with every run waiting against %s idle; nothing at start-up reads or loads the waiting runs — the node "+
		"read %s from files until it settled, of a %s store, and used %s of CPU (a walk over the runs or the log would read gigabytes); "+
		"runs whose timer fell due while the node was down are taken forward; and runs answered after the restart, anywhere in the id "+
		"range, move to their next step. The slowest restart had the node ready, every due timer fired and every answered run moved on "+
		"%s after exec (%s). It does not mean that a million runs all move within 10 s: each waits for its own answer or timer, and the "+
		"node takes each forward when it comes, at the engine's rate (the Workflows section above); had all %d timeouts fallen due "+
		"during the downtime, working through them would take that rate's time.\n",
		ms(r.full.ready), ms(r.idle.ready), mb(r.full.read), mb(r.storeBytes), ms(r.full.cpu), ms(worst),
		verdict(c.runs, worst < 10*time.Second), c.runs)
	p("- Start-up used to read the whole event log: a consumer of rare event types (routing, notifications) passed over the others " +
		"without writing its cursor, so its stored cursor stayed where its last wanted event was (routing's at 0 on a store where no agent had come online) and every " +
		"start read every event after it again to find nothing — 9 events per waiting run, gigabytes here. Since 2026-12-01 such a " +
		"cursor is written every 4,096 events passed over (`event.PassedOverWrite`), so a start reads at most that many again.\n")
	p("- What does grow with the waiting runs is one scrape of `/metrics`, which counts the runs not yet ended by status from "+
		"their index: %s with %d runs against %s idle, so a Prometheus scraping every 15 s would cost the node about %.1f%% of a core.\n",
		ms(r.full.scrape), c.runs, ms(r.idle.scrape), 100*r.full.scrape.Seconds()/15)
	p("- The answer and timer times include the machine's queue: they are taken on a shared machine (load average above), " +
		"and 2,000 runs moving at once right after the start are a burst, not a steady rate.\n")
	p("- The copy needs about 5 GB of free disk for the store and as much again for its write-ahead log; the benchmark is " +
		"therefore `make bench-waiting`, not part of `make bench`.\n")
	return md.String()
}

// verdict says whether an aim set for 1,000,000 runs was met, or that a
// smaller run does not tell.
func verdict(runs int, ok bool) string {
	if runs < 1000000 {
		return "the aim is for 1,000,000 runs; this run had fewer"
	}
	return harness.MetOr(ok)
}
