// Command waiting measures a node holding many workflow runs that wait at
// a question (issue 14: 1,000,000 waiting runs under 300 MB of RSS over the
// idle node, all resumed within 10 s after a restart). It runs the real
// `switchboard serve` as a child process on a SQLite store:
//
//  1. a sample of contacts writes in through the custom channel's webhook
//     and the demo's inbound workflow takes each to its question;
//  2. with the node stopped, the sample's rows are copied with SQL until
//     there are -runs waiting runs (multiply.go says how, and
//     multiply_test.go proves a copy advances exactly like an original);
//  3. the node is started on the sample alone and on all the runs, and
//     its start-up and its memory once settled are compared;
//  4. it is stopped with SIGTERM, then later killed with SIGKILL, and after
//     each restart the question's timeout of -timers runs that fell due
//     while it was down must fire, and -answers runs spread over the id
//     range, answered through the webhook, must move to their next step.
//
// It prints a Markdown section for docs/benchmarks.md.
//
//	go run ./bench/waiting -runs 1000000 -sample 1000 -out docs/benchmarks.md
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// config is the command's flags.
type config struct {
	runs, sample, answers, timers, concurrency int
	dataDir, bin, out                          string
}

func main() {
	var c config
	flag.IntVar(&c.runs, "runs", 1000000, "waiting runs in all (a multiple of -sample)")
	flag.IntVar(&c.sample, "sample", 1000, "runs driven to their question through the real path, then copied")
	flag.IntVar(&c.answers, "answers", 1000, "runs answered after each restart")
	flag.IntVar(&c.timers, "timers", 1000, "runs whose timeout falls due while the node is down, at each restart")
	flag.IntVar(&c.concurrency, "concurrency", 16, "webhooks in flight")
	flag.StringVar(&c.dataDir, "data", "", "SQLite folder (default: a fresh temporary one, removed at the end)")
	flag.StringVar(&c.bin, "bin", "", "the switchboard binary (default: built from this tree)")
	flag.StringVar(&c.out, "out", "", "also write the section into this markdown file (e.g. docs/benchmarks.md)")
	flag.Parse()
	if c.runs%c.sample != 0 || c.runs < c.sample {
		check(fmt.Errorf("-runs %d is not a multiple of -sample %d", c.runs, c.sample))
	}
	r, err := run(context.Background(), c)
	check(err)
	md := report(c, r)
	fmt.Print(md)
	if c.out != "" {
		check(harness.WriteSection(c.out, heading, md))
	}
}

// result is everything the report says.
type result struct {
	machine     harness.Machine
	sampleTook  time.Duration
	copyTook    time.Duration
	storeBytes  int64
	idle, full  boot
	stopTerm    time.Duration
	rounds      []round
	total       int
	stillWaits  int
	delivered   int64
	wallClock   time.Duration
	duplicates  int
	consumersAt string
}

// round is one restart and what it resumed.
type round struct {
	how      string // "SIGTERM" or "SIGKILL"
	boot     boot
	timers   []time.Duration // exec → each due run past its question
	answers  []time.Duration // answer sent → its run past its question
	answered time.Duration   // exec → the last answered run past its question
}

func run(ctx context.Context, c config) (result, error) {
	var r result
	r.machine = harness.DescribeMachine()
	began := time.Now()
	if c.dataDir == "" {
		dir, err := os.MkdirTemp("", "sb-bench-waiting-")
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(dir)
		c.dataDir = dir
	}
	if c.bin == "" {
		bin, err := harness.Build(ctx, c.dataDir, false)
		if err != nil {
			return r, err
		}
		c.bin = bin
	}
	// The channel's integrator: accepts every outbound message, so the
	// sample's sends are delivered and nothing is left to retry.
	var delivered atomic.Int64
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"mId":"p%d"}`, delivered.Add(1))
	}))
	defer provider.Close()
	storeDir := filepath.Join(c.dataDir, "store")
	storeArgs := harness.StoreArgs(storeDir, "")
	d, err := harness.LoadDemo(ctx, c.bin, append(storeArgs, "--channel-url", provider.URL))
	if err != nil {
		return r, err
	}
	store, err := harness.OpenSQLite(filepath.Join(storeDir, db.SQLiteFile))
	if err != nil {
		return r, err
	}
	defer store.Close()
	marks, err := ReadMarks(ctx, store)
	if err != nil {
		return r, err
	}
	metricsAddr, err := freeAddr()
	if err != nil {
		return r, err
	}
	opts := harness.Options{Bin: c.bin, StoreArgs: storeArgs, LogFile: filepath.Join(c.dataDir, "serve.log"),
		Args: []string{"--metrics-addr", metricsAddr}}

	// 1. The sample, through the real path.
	s, err := harness.Start(ctx, opts)
	if err != nil {
		return r, err
	}
	hook := harness.NewWebhook(s.URL, d, c.concurrency)
	t0 := time.Now()
	if err := sendSample(ctx, hook, c.sample, c.concurrency); err != nil {
		s.Kill()
		return r, err
	}
	if err := waitQuiet(ctx, store, c.sample, 2*time.Minute); err != nil {
		s.Kill()
		return r, err
	}
	r.sampleTook = time.Since(t0)
	if err := s.Stop(time.Minute); err != nil {
		return r, err
	}

	// 2. The node on the sample alone: the idle node of the comparison.
	s, r.idle, err = startNode(ctx, opts, metricsAddr, nil)
	if err != nil {
		return r, err
	}
	if err := s.Stop(time.Minute); err != nil {
		return r, err
	}

	// 3. The copies.
	rw, err := OpenWritable(filepath.Join(storeDir, db.SQLiteFile))
	if err != nil {
		return r, err
	}
	t0 = time.Now()
	if err := Multiply(ctx, rw, marks, c.runs/c.sample); err != nil {
		rw.Close()
		return r, err
	}
	if _, err := rw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		rw.Close()
		return r, err
	}
	r.copyTook = time.Since(t0)
	if fi, err := os.Stat(filepath.Join(storeDir, db.SQLiteFile)); err == nil {
		r.storeBytes = fi.Size()
	}

	// 4. The node with every run waiting, started cold.
	s, r.full, err = startNode(ctx, opts, metricsAddr, nil)
	if err != nil {
		rw.Close()
		return r, err
	}
	t0 = time.Now()
	if err := s.Stop(time.Minute); err != nil {
		rw.Close()
		return r, err
	}
	r.stopTerm = time.Since(t0)

	// 5. Restarts: after the SIGTERM above, then after a SIGKILL.
	rng := rand.New(rand.NewPCG(14, 2))
	taken := map[int64]bool{}
	for _, how := range []string{"SIGTERM", "SIGKILL"} {
		rd, next, err := restart(ctx, c, opts, metricsAddr, store, rw, d, taken, rng, how)
		r.rounds = append(r.rounds, rd)
		if err != nil {
			rw.Close()
			if next != nil {
				next.Kill()
			}
			return r, err
		}
		if how == "SIGTERM" {
			next.Kill() // the next round starts after a crash
		} else if err := next.Stop(time.Minute); err != nil {
			rw.Close()
			return r, err
		}
	}
	rw.Close()

	// 6. What the store holds at the end.
	err = store.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM workflow_runs),
		(SELECT COUNT(*) FROM workflow_runs WHERE status = 'waiting_reply'),
		(SELECT COUNT(*) - COUNT(DISTINCT conversation_id) FROM workflow_runs)`).Scan(&r.total, &r.stillWaits, &r.duplicates)
	if err != nil {
		return r, err
	}
	var behind int
	if err := store.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow'
		AND last_id < (SELECT MAX(id) FROM events)`).Scan(&behind); err != nil {
		return r, err
	}
	r.consumersAt = "the workflow engine at the log's end"
	if behind > 0 {
		r.consumersAt = fmt.Sprintf("the workflow engine behind the log's end (%d)", behind)
	}
	r.delivered = delivered.Load()
	r.wallClock = time.Since(began)
	return r, nil
}

// freeAddr asks the kernel for a free loopback port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/waiting:", err)
		os.Exit(1)
	}
}
