package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// The PostgreSQL aims of issue 14: one PostgreSQL node at least half as
// fast as one SQLite node at concurrency 64, both fsyncing every commit;
// two nodes on one PostgreSQL at least 1.6× one node when the CPU allows.
const (
	aimPGvsSQLite = 0.5
	aimTwoNodes   = 1.6
)

// storeRun is one level measured on each store of a comparison run.
type storeRun struct {
	Concurrency int
	Workflows   bool
	Senders     int // follow-ups from this many contacts in turn (0: new contacts)
	SQLite      levelResult
	PG1, PG2    levelResult // one node, two nodes, on PostgreSQL
	// The same with an earlier binary (-before), when given.
	Before1, Before2 levelResult
}

// pgReport is a comparison run (-postgres).
type pgReport struct {
	M       harness.Machine
	Server  string // the PostgreSQL server's version and durability settings
	Runs    []storeRun
	Workers int
}

// runPostgres measures every level, and the top one with the demo
// workflow unless withWorkflow is false and with follow-ups (see
// runFollowUpLevel) unless followUps is false, on a fresh SQLite node, on one
// PostgreSQL node and on two PostgreSQL nodes sharing one database, one
// after the other in the same run. Each PostgreSQL level gets a database
// of its own on the server at admin, created and dropped here.
//
// before, when not "", is an earlier switchboard binary measured the same
// way on PostgreSQL right after, in the same run, for a before/after.
// profileDir, when not "", gets the CPU profile of bin's one-node runs
// (see profilePath).
func runPostgres(ctx context.Context, bin, before, admin string, levels, ns []int, duration time.Duration, withWorkflow, followUps bool, profileDir string) (pgReport, error) {
	rep := pgReport{M: harness.DescribeMachine()}
	a, err := sql.Open("pgx", admin)
	if err != nil {
		return rep, err
	}
	defer a.Close()
	var version, fsync, syncCommit string
	if err := a.QueryRowContext(ctx, `SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&version, &fsync, &syncCommit); err != nil {
		return rep, fmt.Errorf("postgres: %w", err)
	}
	rep.Server = fmt.Sprintf("PostgreSQL %s, fsync=%s, synchronous_commit=%s", version, fsync, syncCommit)
	if fsync != "on" || syncCommit != "on" {
		logf("warning: %s: the comparison with SQLite (synchronous=FULL) is not fair", rep.Server)
	}
	n := 0
	fresh := func() (string, func(), error) {
		n++
		name := fmt.Sprintf("switchboard_ingest_%d_%d", os.Getpid(), n)
		if _, err := a.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			return "", nil, fmt.Errorf("create database: %w", err)
		}
		u, err := url.Parse(admin)
		if err != nil {
			return "", nil, err
		}
		u.Path = "/" + name
		return u.String(), func() { a.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) }, nil
	}
	// Each load is served by SQLite, then by PostgreSQL with one node and
	// with two (and the same with the binary before).
	var loads []level
	for i, c := range levels {
		loads = append(loads, level{concurrency: c, n: ns[i], duration: duration})
	}
	top := len(levels) - 1
	if withWorkflow {
		loads = append(loads, level{concurrency: levels[top], n: ns[top], duration: duration, workflows: true})
	}
	if followUps {
		loads = append(loads, level{concurrency: levels[top], n: ns[top], duration: duration, senders: followUpSenders})
	}
	for _, j := range loads {
		run := storeRun{Concurrency: j.concurrency, Workflows: j.workflows, Senders: j.senders}
		logf("concurrency %d (%s): SQLite", j.concurrency, run.load())
		onSQLite := j
		onSQLite.bin = bin
		if run.SQLite, err = onSQLite.run(ctx); err != nil {
			return rep, err
		}
		logf("  %.0f msgs/s", run.SQLite.Rate())
		type target struct {
			bin   string
			nodes int
			into  *levelResult
		}
		targets := []target{{bin, 1, &run.PG1}, {bin, 2, &run.PG2}}
		if before != "" {
			targets = append(targets, target{before, 1, &run.Before1}, target{before, 2, &run.Before2})
		}
		for _, tg := range targets {
			dbURL, drop, err := fresh()
			if err != nil {
				return rep, err
			}
			logf("concurrency %d (%s): PostgreSQL, %d node(s), %s", j.concurrency, run.load(), tg.nodes, tg.bin)
			onPg := j
			onPg.bin, onPg.databaseURL, onPg.nodes = tg.bin, dbURL, tg.nodes
			if tg.bin == bin && tg.nodes == 1 {
				suffix := "-pg"
				if j.workflows {
					suffix = "-workflow-pg"
				} else if j.senders > 0 {
					suffix = "-followups-pg"
				}
				onPg.cpuProfile = profilePath(profileDir, j.concurrency, suffix)
			}
			l, err := onPg.run(ctx)
			drop()
			if err != nil {
				return rep, err
			}
			logf("  %.0f msgs/s, lock wait %s, %s", l.Rate(), l.LockWait.Round(time.Millisecond), l.VerifyNote)
			if len(l.LockCauses) > 0 {
				logf("  lock wait made of:\n%s", topCauses(l.LockCauses, l.LockWait, 12))
			}
			*tg.into = l
		}
		rep.Runs = append(rep.Runs, run)
	}
	return rep, nil
}

// load names what a run's messages were: new contacts' first messages,
// with or without the demo workflow, or follow-ups.
func (run storeRun) load() string {
	switch {
	case run.Workflows:
		return "with the demo workflow"
	case run.Senders > 0:
		return fmt.Sprintf("follow-ups from %d contacts", run.Senders)
	}
	return "without workflow"
}

// markdown renders the "## Ingest on PostgreSQL" section.
func (r pgReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Ingest on PostgreSQL\n\n")
	p("Written by `go run ./bench/ingest -postgres URL` (see below); every number comes from one run, the stores one after the other.\n\n")
	p("%s", r.M.Header(""))
	p("- %s on the same machine; SQLite with synchronous=FULL: both fsync every commit before the webhook is answered\n\n", r.Server)
	p("### Method\n\n")
	p("The Ingest method above, for each level (and the top level again with the demo workflow, and with follow-ups from %d contacts in turn, as there): a fresh SQLite node; then a fresh PostgreSQL database served by one node; then another fresh one served by two nodes ", followUpSenders)
	p("(two `switchboard serve` processes sharing it, the load generator's connections spread evenly over them). The server (PostgreSQL) runs on the same cores as the nodes and the load generator, ")
	p("so its CPU is in *other load*, not in the nodes' CPU. *Lock wait* is the time PostgreSQL backends spent waiting for a heavyweight lock (advisory, row or transaction lock), summed over backends, ")
	p("sampled from `pg_locks` (the locks not granted, joined with `pg_stat_activity`) every %s: a write serialised by a lock shows up here. *Deadlocks* are PostgreSQL's count for the level's database (`pg_stat_database`), read once its nodes stopped: each is a transaction that waited `deadlock_timeout` (1 s) before being aborted and retried. *Analyzed* is when, into the load, the bench ran `ANALYZE` on a PostgreSQL level's database, once it held %d contacts, as autovacuum does within a minute of a deployment's first rows: a level lasts seconds, which autovacuum never reaches, and each writer connection keeps the generic plan it made at its sixth run, on a few hundred rows without statistics, which (for the receive lookup) may probe a contact's phone through the wrong index and filter every contact of the workspace (see `bench/ingest/analyze.go`).\n\n", lockSampleEvery, analyzeAt)
	p("*before* rows, when present, are the same levels served by an earlier binary (`-before`), measured in the same run right after. ")
	p("Run it with a PostgreSQL server that fsyncs: `SWITCHBOARD_PG_FSYNC=on scripts/with-postgres.sh sh -c 'go run ./bench/ingest -levels 64 -postgres \"$SWITCHBOARD_TEST_POSTGRES\" -out docs/benchmarks.md'`.\n\n")
	p("### Results\n\n")
	p("| c | load | store | nodes | msgs/s | × SQLite | p50 | p99 | CPU µs/msg per node | other load | lock wait (ms per s) | deadlocks | analyzed | verified |\n")
	p("|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n")
	row := func(run storeRun, name string, l levelResult) {
		perNode := make([]string, 0, len(l.NodeCPU))
		for _, c := range l.NodeCPU {
			perNode = append(perNode, fmt.Sprintf("%.0f", perMsg(c, l.Acked/max(len(l.NodeCPU), 1))))
		}
		lock, dead, analyzed := "—", "—", "—"
		if name != "SQLite" && l.Elapsed > 0 {
			lock = fmt.Sprintf("%.0f", float64(l.LockWait.Milliseconds())/l.Elapsed.Seconds())
			if l.Deadlocks >= 0 {
				dead = fmt.Sprint(l.Deadlocks)
			}
			analyzed = "no"
			if l.AnalyzedAfter > 0 {
				analyzed = fmt.Sprintf("%.1f s", l.AnalyzedAfter.Seconds())
			}
		}
		verified := "yes"
		if !l.Verified {
			verified = "**NO**: " + l.VerifyNote
		}
		wf := "first messages"
		if run.Workflows {
			wf = "first messages, demo workflow"
		} else if run.Senders > 0 {
			wf = fmt.Sprintf("follow-ups (%d contacts)", run.Senders)
		}
		p("| %d | %s | %s | %d | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s |\n", run.Concurrency, wf, name, max(l.Nodes, 1), l.Rate(),
			harness.Ratio(l.Rate(), run.SQLite.Rate()), harness.Ms(l.P50), harness.Ms(l.P99), strings.Join(perNode, " / "), otherLoad(l), lock, dead, analyzed, verified)
	}
	for _, run := range r.Runs {
		row(run, "SQLite", run.SQLite)
		row(run, "PostgreSQL", run.PG1)
		row(run, "PostgreSQL", run.PG2)
		if run.Before1.Nodes > 0 {
			row(run, "PostgreSQL, before", run.Before1)
			row(run, "PostgreSQL, before", run.Before2)
		}
	}
	p("\n### What the lock wait is made of\n\n")
	p("For each PostgreSQL run, the causes of at least 5%% of its lock wait: the lock awaited, the waiting statement and the statement of the backend holding it up (from `pg_locks` and `pg_stat_activity`, same sampling).\n\n")
	for _, run := range r.Runs {
		for _, l := range []struct {
			name string
			l    levelResult
		}{{"PostgreSQL", run.PG1}, {"PostgreSQL", run.PG2}, {"PostgreSQL, before", run.Before1}, {"PostgreSQL, before", run.Before2}} {
			if l.l.Nodes == 0 || l.l.Elapsed <= 0 {
				continue
			}
			p("- c=%d %s, %s, %d node(s): %.0f ms per s", run.Concurrency, run.load(), l.name, l.l.Nodes, float64(l.l.LockWait.Milliseconds())/l.l.Elapsed.Seconds())
			shown := 0
			for _, c := range l.l.LockCauses {
				share := c.Wait.Seconds() / max(l.l.LockWait.Seconds(), 1e-9)
				if share < 0.05 || shown == 4 {
					break
				}
				if shown == 0 {
					p(", of which:")
				}
				shown++
				p("\n  - %.0f%%: `%s`", 100*share, strings.ReplaceAll(c.What, "`", "'"))
			}
			p("\n")
		}
	}
	p("\n### Reading\n\n")
	if load, err := strconv.ParseFloat(r.M.Load, 64); err == nil && load >= 2*float64(r.M.CPUs) {
		p("- The machine was shared: load average %.1f on %d cores when the run started. Every rate here is far below what the same binaries reach on an idle machine, and the ratios (PostgreSQL to SQLite, two nodes to one, after to before) compare runs that met different loads in turn; the lock wait, which does not depend on the CPU left, is the steadier figure.\n", load, r.M.CPUs)
	}
	for _, run := range r.Runs {
		if run.Concurrency != aimConcurrency {
			continue
		}
		ratio := harness.Ratio(run.PG1.Rate(), run.SQLite.Rate())
		two := harness.Ratio(run.PG2.Rate(), run.PG1.Rate())
		p("- c=%d %s: one PostgreSQL node reaches %.2f× one SQLite node (aim ≥ %.1f: %s); two nodes reach %.2f× one node (aim ≥ %.1f when the CPU allows: %s).",
			run.Concurrency, run.load(), ratio, aimPGvsSQLite, harness.MetOr(ratio >= aimPGvsSQLite), two, aimTwoNodes, harness.MetOr(two >= aimTwoNodes))
		if l := run.PG1; l.Elapsed > 0 {
			busy := (l.ServerCPU + l.ClientCPU + max(l.OtherCPU, 0)).Seconds() / l.Elapsed.Seconds()
			p(" With one node the machine was %.1f of its %d cores busy", busy, r.M.CPUs)
			if busy >= 0.85*float64(r.M.CPUs) {
				p(", so the second node had no CPU to add: the scaling claim is read from the CPU per message and the lock wait instead")
			}
			p(".")
		}
		if run.Before1.Nodes > 0 && run.Before1.Rate() > 0 {
			p(" Before (the -before binary, same run): one node %.2f× SQLite, two nodes %.2f× one node; this change: one node %.2f× before.",
				harness.Ratio(run.Before1.Rate(), run.SQLite.Rate()), harness.Ratio(run.Before2.Rate(), run.Before1.Rate()), harness.Ratio(run.PG1.Rate(), run.Before1.Rate()))
		}
		p("\n")
	}
	return b.String()
}
