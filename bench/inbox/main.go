// Command inbox measures the inbox's reads on a large workspace: the view
// counts (All, Mine, Unassigned, each team, saved views) and the first
// page of each conversation sort, as an owner and as an agent, against a
// bare COUNT(*) of the same table measured in the same run. It writes the
// "## Inbox lists" section of docs/benchmarks.md
// (go run ./bench/inbox -out docs/benchmarks.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/db"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "inbox bench:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "", "markdown file whose \"## Inbox lists\" section is created or replaced (default: print only)")
	n := flag.Int("n", 100_000, "open conversations")
	runs := flag.Int("runs", 500, "timed runs of each query")
	pg := flag.String("postgres", "", "run on this PostgreSQL server URL instead of a fresh SQLite folder")
	flag.Parse()
	app.TuneGC()
	ctx := context.Background()
	cfg := db.Config{URL: *pg}
	if *pg == "" {
		dir, err := os.MkdirTemp("", "switchboard-inbox-bench-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	sh := shape{Conversations: *n, Teams: 10, Agents: 100, Channels: 5}
	fmt.Fprintf(os.Stderr, "seeding %d open conversations…\n", *n)
	start := time.Now()
	in, err := seed(ctx, d, sh)
	if err != nil {
		return err
	}
	r := report{M: harness.DescribeMachine(), Shape: sh, Dialect: string(d.Dialect), Seed: time.Since(start), Runs: *runs}
	fmt.Fprintf(os.Stderr, "seeded in %s; measuring…\n", r.Seed.Round(time.Millisecond))
	if r.Timings, err = in.timings(ctx, *runs); err != nil {
		return err
	}
	md := r.markdown()
	if *out == "" {
		fmt.Print(md)
		return nil
	}
	return harness.WriteSection(*out, "## Inbox lists", md)
}
