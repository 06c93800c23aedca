// Command ingest benchmarks the inbound path end to end: it builds the
// switchboard binary, serves it on a fresh SQLite store, drives the custom
// channel webhook over HTTP at several concurrency levels, checks that every
// acknowledged message was stored, compares the rate with raw SQLite loops
// of the same durability and with a minimal receive pipeline
// (bench/ingest/minimal) at the same levels, and writes the "## Ingest" section of
// docs/benchmarks.md.
//
//	go run ./bench/ingest -out docs/benchmarks.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "", "markdown file whose \"## Ingest\" section is created or replaced (default: print only)")
	levelsFlag := flag.String("levels", "1,8,64", "comma-separated concurrency levels")
	duration := flag.Duration("duration", 8*time.Second, "load time per level")
	nFlag := flag.String("n", "1000000", "at most this many messages (= contacts) per level, comma-separated in the order of -levels (one value applies to all); a level ends at -duration or -n, whichever comes first")
	rawN := flag.Int("raw-n", 0, "messages of the raw one-transaction-per-message loop (0: as many as the server acknowledged at the first level, at most 5000)")
	bin := flag.String("bin", "", "use this switchboard binary instead of building one")
	idleWindow := flag.Duration("idle", 10*time.Second, "how long to watch an idle demo node's CPU (0: skip)")
	pg := flag.String("postgres", "", "compare with PostgreSQL instead: the URL of a server on which fresh databases may be created; writes the \"## Ingest on PostgreSQL\" section")
	flag.BoolVar(&analyzeWarm, "analyze", true, "with -postgres, ANALYZE each level's database once it holds 1,000 contacts, as autovacuum would (see analyze.go); false keeps the plans made without statistics")
	minimal := flag.Bool("minimal", true, "also run the minimal receive pipeline (bench/ingest/minimal) at each level, right after switchboard, and compare")
	before := flag.String("before", "", "also measure this earlier switchboard binary at each level (on PostgreSQL with -postgres), right after the current one, for a before/after in one run")
	withWorkflow := flag.Bool("workflow", true, "also serve the top level with the demo's inbound workflow")
	followUps := flag.Bool("followups", true, fmt.Sprintf("also serve the top level with messages from %d contacts in turn, most of them follow-ups in an open conversation", followUpSenders))
	withRaw := flag.Bool("raw", true, "also run the raw SQLite loops")
	profileDir := flag.String("cpuprofile", "", "write each switchboard server's CPU profile into this folder, as serve-c<level>.pprof (and serve-c<level>-workflow.pprof; with -postgres, the one-node PostgreSQL runs as serve-c<level>-pg.pprof, serve-c<level>-workflow-pg.pprof and serve-c<level>-followups-pg.pprof), for go tool pprof; not the -before binary")
	flag.Parse()

	levels, err := ints(*levelsFlag)
	if err != nil {
		return fmt.Errorf("-levels: %w", err)
	}
	ns, err := ints(*nFlag)
	if err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	if len(ns) == 1 {
		for len(ns) < len(levels) {
			ns = append(ns, ns[0])
		}
	}
	if len(ns) != len(levels) {
		return fmt.Errorf("-n has %d values for %d levels", len(ns), len(levels))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if *bin == "" {
		dir, err := os.MkdirTemp("", "switchboard-bin-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		logf("building %s", harness.MainPackage)
		if *bin, err = harness.Build(ctx, dir, false); err != nil {
			return err
		}
	}

	if *pg != "" {
		rep, err := runPostgres(ctx, *bin, *before, *pg, levels, ns, *duration, *withWorkflow, *followUps, *profileDir)
		if err != nil {
			return err
		}
		section := rep.markdown()
		fmt.Print(section)
		if *out != "" {
			if err := harness.WriteSection(*out, "## Ingest on PostgreSQL", section); err != nil {
				return err
			}
			logf("wrote %s", *out)
		}
		return nil
	}
	rep := report{M: harness.DescribeMachine()}
	var minimalBin string
	if *minimal {
		dir, err := os.MkdirTemp("", "switchboard-minimal-bin-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		logf("building %s", minimalPackage)
		if minimalBin, err = buildMinimal(ctx, dir); err != nil {
			return err
		}
	}
	if *idleWindow > 0 {
		logf("an idle demo node for %s", *idleWindow)
		if rep.Idle, err = runIdle(ctx, *bin, *idleWindow); err != nil {
			return fmt.Errorf("idle: %w", err)
		}
		logf("  %.2f%% of a core", 100*rep.Idle.Share())
	}
	for i, c := range levels {
		logf("concurrency %d: up to %d messages in %s", c, ns[i], *duration)
		l, err := level{bin: *bin, concurrency: c, n: ns[i], duration: *duration, cpuProfile: profilePath(*profileDir, c, "")}.run(ctx)
		if err != nil {
			return fmt.Errorf("concurrency %d: %w", c, err)
		}
		logf("  %.0f msgs/s, p50 %s, p99 %s, %d failures, %s", l.Rate(), harness.Ms(l.P50), harness.Ms(l.P99), l.Failures, l.VerifyNote)
		rep.Levels = append(rep.Levels, l)
		if *before != "" {
			logf("concurrency %d, the -before binary: up to %d messages in %s", c, ns[i], *duration)
			bl, err := level{bin: *before, concurrency: c, n: ns[i], duration: *duration}.run(ctx) // an earlier binary may not know --cpu-profile
			if err != nil {
				return fmt.Errorf("concurrency %d, -before: %w", c, err)
			}
			logf("  %.0f msgs/s, p50 %s, p99 %s, %d failures, %s", bl.Rate(), harness.Ms(bl.P50), harness.Ms(bl.P99), bl.Failures, bl.VerifyNote)
			rep.Before = append(rep.Before, bl)
		}
		if minimalBin == "" {
			continue
		}
		// Right after, so both see the same machine load.
		logf("concurrency %d, minimal pipeline: up to %d messages in %s", c, ns[i], *duration)
		m, err := runMinimalLevel(ctx, minimalBin, c, ns[i], *duration)
		if err != nil {
			return fmt.Errorf("concurrency %d, minimal pipeline: %w", c, err)
		}
		logf("  %.0f msgs/s, p50 %s, p99 %s, %d failures, %s", m.Rate(), harness.Ms(m.P50), harness.Ms(m.P99), m.Failures, m.VerifyNote)
		rep.Minimal = append(rep.Minimal, m)
		logf("concurrency %d, minimal pipeline's store alone: %d messages", c, m.Acked)
		ms, err := runMinimalStore(ctx, max(m.Acked, c), c)
		if err != nil {
			return fmt.Errorf("concurrency %d, minimal store: %w", c, err)
		}
		logf("  %.0f msgs/s, %.0f µs of CPU per message", ms.Rate(), perMsg(ms.CPU, ms.Messages))
		rep.MinimalStore = append(rep.MinimalStore, ms)
	}
	if *withWorkflow {
		if err := runWorkflowLevel(ctx, &rep, *bin, levels, ns, *duration, *profileDir); err != nil {
			return err
		}
	}
	if *followUps {
		if err := runFollowUpLevel(ctx, &rep, *bin, levels, ns, *duration); err != nil {
			return err
		}
	}
	if *withRaw {
		if err := runRawLoops(ctx, &rep, *rawN); err != nil {
			return err
		}
	}

	section := rep.markdown()
	fmt.Print(section)
	if *out != "" {
		if err := harness.WriteSection(*out, "## Ingest", section); err != nil {
			return err
		}
		logf("wrote %s", *out)
	}
	checked := slices.Concat(rep.Levels, rep.Before, rep.Minimal)
	if *withWorkflow {
		checked = append(checked, rep.WithWorkflow)
	}
	if *followUps {
		checked = append(checked, rep.FollowUps)
	}
	for _, l := range checked {
		if l.Failures > 0 || !l.Verified {
			return fmt.Errorf("concurrency %d: %d failures, %s", l.Concurrency, l.Failures, l.VerifyNote)
		}
	}
	return nil
}

// profilePath names the CPU profile of the server at concurrency c in
// dir; "" when dir is "" (no profile).
func profilePath(dir string, c int, suffix string) string {
	if dir == "" {
		return ""
	}
	abs, err := filepath.Abs(filepath.Join(dir, fmt.Sprintf("serve-c%d%s.pprof", c, suffix)))
	if err != nil {
		return ""
	}
	return abs
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// runWorkflowLevel serves the top level again with the demo's inbound
// workflow running for every message, in the same run, so the two
// compare.
func runWorkflowLevel(ctx context.Context, rep *report, bin string, levels, ns []int, duration time.Duration, profileDir string) error {
	top := len(levels) - 1
	logf("concurrency %d with the demo workflow: up to %d messages in %s", levels[top], ns[top], duration)
	l := level{bin: bin, concurrency: levels[top], n: ns[top], duration: duration, workflows: true,
		cpuProfile: profilePath(profileDir, levels[top], "-workflow")}
	var err error
	if rep.WithWorkflow, err = l.run(ctx); err != nil {
		return fmt.Errorf("concurrency %d with the workflow: %w", levels[top], err)
	}
	logf("  %.0f msgs/s, p50 %s, p99 %s, %d failures, %s", rep.WithWorkflow.Rate(), harness.Ms(rep.WithWorkflow.P50),
		harness.Ms(rep.WithWorkflow.P99), rep.WithWorkflow.Failures, rep.WithWorkflow.VerifyNote)
	return nil
}

// followUpSenders is how many contacts the follow-up level's messages
// come from in turn: enough that a receive batch at the top level holds
// one message per contact, few enough that nearly every message is a
// contact's next one in its open conversation.
const followUpSenders = 1000

// runFollowUpLevel serves the top level again with messages from
// followUpSenders contacts in turn: past the first of each, a known
// contact writing in its open conversation, what most webhooks carry
// once conversations are under way.
func runFollowUpLevel(ctx context.Context, rep *report, bin string, levels, ns []int, duration time.Duration) error {
	top := len(levels) - 1
	logf("concurrency %d, follow-ups from %d contacts: up to %d messages in %s", levels[top], followUpSenders, ns[top], duration)
	l := level{bin: bin, concurrency: levels[top], n: ns[top], senders: followUpSenders, duration: duration}
	var err error
	if rep.FollowUps, err = l.run(ctx); err != nil {
		return fmt.Errorf("concurrency %d with follow-ups: %w", levels[top], err)
	}
	logf("  %.0f msgs/s, p50 %s, p99 %s, %d failures, %s", rep.FollowUps.Rate(), harness.Ms(rep.FollowUps.P50),
		harness.Ms(rep.FollowUps.P99), rep.FollowUps.Failures, rep.FollowUps.VerifyNote)
	return nil
}

// runRawLoops runs the raw SQLite loops: rawN messages one per
// transaction (0: as many as the server acknowledged at the first level,
// at most 5000), then, for each level above 1, as many as the server
// stored at that level, so both work on tables of the same size, batched
// with and without multi-row INSERTs.
func runRawLoops(ctx context.Context, rep *report, rawN int) error {
	if rawN == 0 {
		rawN = min(max(rep.Levels[0].Acked, 100), 5000)
	}
	logf("raw loop: %d messages, 1 per transaction", rawN)
	var err error
	if rep.RawSingle, err = runRaw(ctx, rawN, 1, false); err != nil {
		return fmt.Errorf("raw loop: %w", err)
	}
	logf("  %.0f msgs/s", rep.RawSingle.Rate())
	for _, l := range rep.Levels {
		c := l.Concurrency
		if c <= 1 {
			continue
		}
		n := max(l.Acked, c)
		for _, multi := range []bool{false, true} {
			logf("raw batched: %d messages, %d per transaction, multi-row INSERTs %v", n, c, multi)
			rb, err := runRaw(ctx, n, c, multi)
			if err != nil {
				return fmt.Errorf("raw batched %d: %w", c, err)
			}
			logf("  %.0f msgs/s", rb.Rate())
			rep.RawBatched = append(rep.RawBatched, rb)
		}
	}
	return nil
}
