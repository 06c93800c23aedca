// Command routing benchmarks assignment: 200 agents in 50 teams take
// 100,000 assignments with a mix of strategies, and a full workspace's
// queues refill freed slots. It writes the "## Routing" section of
// docs/benchmarks.md (go run ./bench/routing -out docs/benchmarks.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "routing bench:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "", "markdown file whose \"## Routing\" section is created or replaced (default: print only)")
	n := flag.Int("n", 100_000, "assignments of the throughput run")
	workers := flag.Int("c", 64, "concurrent callers of Assign")
	refills := flag.Int("refills", 2000, "freed slots measured in the refill run")
	pg := flag.String("postgres", "", "run on this PostgreSQL server URL instead of a fresh SQLite folder")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the throughput run to this file")
	flag.Parse()
	app.TuneGC() // as `serve` runs a node
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	r := report{M: harness.DescribeMachine(), Workers: *workers}
	var err error
	fmt.Fprintf(os.Stderr, "throughput: %d assignments from %d callers…\n", *n, *workers)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	r.Throughput, err = throughput(ctx, *pg, *n, *workers)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "baseline: direct assignment without routing…\n")
	if r.Direct, err = direct(ctx, *pg, min(*n, 20_000), *workers); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "refill: %d freed slots…\n", *refills)
	if r.Refill, err = refill(ctx, *pg, *refills); err != nil {
		return err
	}
	md := r.markdown()
	if *out == "" {
		fmt.Print(md)
		return nil
	}
	return harness.WriteSection(*out, "## Routing", md)
}
