package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// EnvSaturation runs TestOneWorkspaceSaturated, which does not hold
// yet. Measured on 2026-12-01 on the shared 2-core machine, 100 samples
// of B per phase, the node built without -race (load average 7–8):
//   - no cap (--webhooks-per-workspace 0): B's p99 15 ms idle, 151 ms
//     flooded (10×), p50 2.6 ms to 39 ms; A 1,105 messages/s;
//   - cap 4: B's p99 5.7 ms to 35 ms (6.1×), p50 1.6 ms to 4.6 ms (3×);
//     A 677 messages/s, the excess answered 429 and retried;
//   - cap 4 again, load average 10–14: 110 ms to 210 ms (1.9×); and at
//     load 9–12, 25 ms to 44 ms (1.75×), p50 1.8 ms to 9.4 ms.
//
// So with the cap the ratio ranges from 1.75× to 6×: not robust.
//
// With -race and a load average of 35–40 B's p99 went from 0.69 s to
// 5.6 s (8×) with the cap: every request of the node is slow then. The
// cap at the receive edge bounds A's webhooks in the writer's queue but
// not the work they cause (the demo workflow's runs, which write too)
// nor the CPU A's senders and their 429s take. It is kept out of `make
// test` and `make test-faults` until it holds.
//
// With the writer serving workspaces in turn (db.WithWorkspace, lanes.go),
// measured 2026-12-01 at load average 32–40, before (main) and after
// alternated, twice each: no cap, B's flooded p99 1.50 s and 1.58 s
// after against 1.30 s and 1.40 s before — no change, since on SQLite a
// webhook's writes go through the conversations' receive batch, one
// committer job shared by every workspace's webhooks, tagged with the
// first one's workspace; cap 4, B's flooded p50 20 and 33 ms after
// against 56 and 64 ms before, p99 315 and 475 ms against 665 and
// 595 ms, A acknowledging 56 and 52 messages/s against 30 and 35. The
// idle p99 (52–320 ms) is too noisy at that load for the ratio to mean
// much.
//
// With the receive batch kept per workspace, batches bounded while two
// workspaces wait (SQLite) and background writes tagged, measured
// 2026-12-01 at load average 20–36 (a 3-node proof test running), main
// and this alternated, four pairs on SQLite (the first two with the
// bound also counting the untagged lane): cap 4, B's flooded p99 147,
// 83, 422 and 139 ms against 591, 328, 576 and 248 ms before, p50 17,
// 10, 51 and 11 ms against 47, 30, 94 and 40 ms, A acknowledging 98,
// 149, 28 and 117 messages/s against 43, 69, 31 and 67; no cap, B's
// flooded p99 0.72–1.02 s against 0.30–1.31 s before, A 141–217
// messages/s against 166–396 (the writer is not all B waits for there:
// the flood's CPU is shared too). Ratios 3.7–12.8: still over 2×.
//
// On an idle machine (nothing else running, load average 0), measured
// 2026-12-04 on SQLite with the long form (1,000 samples per phase):
//   - cap 4, four runs: B's p99 3.0–5.4 ms idle, 10.2–12.6 ms flooded
//     (2.3–4.1×), p50 1.4–2.0 ms to 3.4–4.5 ms; A 820–1,190 messages/s;
//   - cap 2: 2.4×, A 839 messages/s;
//   - cap 1, four runs: 1.51, 1.76, 1.84 and 2.06×, B's flooded p50 the
//     same as idle (1.8–2.1 ms); A 520–630 messages/s;
//   - no cap: 18.7×, B's p50 1.7 ms to 43 ms, A 2,136 messages/s.
//
// With the cap applied only while another workspace is active (B sends
// throughout, so it makes no difference here): cap 4 4.49×, A 998
// messages/s; cap 1 2.06×, A 460 messages/s.
//
// A fifth of the writer's time under the cap-4 flood went to batches of
// event consumers alone. A build whose webhook and AI-agent consumers
// (no endpoint, no AI agent here) passed over every event without a
// write, alternated three times with main at each cap: cap 1 2.02, 2.44
// and 2.09× against 2.49, 2.03 and 1.78×; cap 4 3.05, 2.35 and 4.09×
// against 2.49, 3.65 and 2.73×. No difference: not built.
//
// Nor did letting jobs queued while a batch runs join it before its
// commit (SQLite, optimistic runs only), so that B's write would share
// the commit of A's batch instead of waiting for it and making its own:
// alternated twice at each cap, B's flooded p99 15.35 and 18.42 ms
// against 15.44 and 19.69 ms at cap 4, 9.84 and 8.91 ms against 8.83 and
// 9.04 ms at cap 1. Most of B's wait is A's commit already under way.
//
// Nor should A's excess wait for a slot instead of being answered 429
// (a build holding up to 4 per slot for up to a second, the slot handed
// to the oldest waiter as a webhook finished): alternated four times at
// cap 4 it lowered A's rate (654, 673, 581 and 479 messages/s against
// 653, 1,071, 778 and 981) and raised B's flooded p50 (6.3, 6.1, 6.9 and
// 8.2 ms against 6.2, 3.7, 5.1 and 4.2 ms). Not kept.
//
// A throwaway build logging every batch of the writer (each job's lane,
// its time queued, the batch's time held and its commit's) split B's
// flooded time in a cap-4 run: waiting for the batch being written (p50
// 1.0 ms, p99 6.9 ms), its own batch (p50 2.3 ms, p99 10 ms: A's jobs and
// the consumers' batches written with it, then a commit whose fsync took
// 0.8 ms at the median, 4.3 ms at p99 and up to 25 ms under the flood's
// writes, against 0.5 and 2.2 ms idle), and the rest outside the writer
// (p99 4 ms, the cores being busy). A write of B arriving while A writes
// waits for one of A's commits and then makes its own: about twice the
// idle time already; the cap decides how often an A commit is in the way.
// Checkpoints run off the writer (wal_autocheckpoint=0 and a goroutine
// checkpointing, tried again here) changed nothing: 4.55 and 2.48×
// against 4.13 and 2.30× alternated.
//
// On PostgreSQL (EnvSaturationStore, the test server with fsync on,
// measured 2026-12-04 on an idle machine, long form) it is further off:
// cap 4, B's p99 9.2 ms idle and 55 ms flooded (6.0×), A 172
// messages/s; no cap, 19.7 ms and 316 ms (16×), A 440 messages/s. The
// server's backends, the node and A's senders share the 2 cores, and
// the cap bounds A's webhooks, not the workflow runs they start.
//
// A's flood is follow-ups from a few hundred contacts, which the
// receive batch has written with one statement per table since fa0b1bb
// instead of one item at a time. Alternated twice at cap 4 against the
// binary before it: 1.65 and 3.11× against 3.87 and 3.63×, A 636 and 797
// messages/s against 691 and 861. Within the spread.
const EnvSaturation = "SWITCHBOARD_TEST_SATURATION"

// saturationScale is TestOneWorkspaceSaturated's size: short (make test)
// or long (SWITCHBOARD_TEST_FAULTS=1, make test-faults).
type saturationScale struct {
	flooders int // concurrent webhook senders of workspace A
	warmUp   int // workspace B's webhooks not measured, before each phase
	samples  int // workspace B's webhooks measured, idle and under the flood
}

func saturationLoad() saturationScale {
	if os.Getenv(EnvFaults) != "" {
		return saturationScale{flooders: 96, warmUp: 50, samples: 1000}
	}
	return saturationScale{flooders: 64, warmUp: 20, samples: 100}
}

// perWorkspace is the node's --webhooks-per-workspace unless
// EnvSaturationCap says otherwise.
const perWorkspace = 4

// EnvSaturationCap sets the node's --webhooks-per-workspace for
// TestOneWorkspaceSaturated (0: no cap), to measure with and without it.
const EnvSaturationCap = "SWITCHBOARD_TEST_SATURATION_CAP"

// EnvSaturationBin runs TestOneWorkspaceSaturated against a binary built
// elsewhere (say from main), to compare two builds in one sitting.
const EnvSaturationBin = "SWITCHBOARD_TEST_SATURATION_BIN"

// EnvSaturationStore set to "postgres" runs TestOneWorkspaceSaturated on
// the PostgreSQL test server (dbtest.EnvPostgres) instead of SQLite.
const EnvSaturationStore = "SWITCHBOARD_TEST_SATURATION_STORE"

// saturationNode returns the binary, the store and the cap the test runs.
func saturationNode(t *testing.T) (bin string, dialect db.Dialect, share int) {
	t.Helper()
	bin = os.Getenv(EnvSaturationBin)
	if bin == "" {
		bin = binary(t)
	}
	dialect = db.SQLite
	if os.Getenv(EnvSaturationStore) == "postgres" {
		dialect = db.Postgres
	}
	share = perWorkspace
	if v := os.Getenv(EnvSaturationCap); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a count, 0 for no cap", EnvSaturationCap, v)
		}
		share = n
	}
	return bin, dialect, share
}

// quietEvery paces workspace B's light stream: one webhook at a time,
// the next this long after the last was answered.
const quietEvery = 10 * time.Millisecond

// TestOneWorkspaceSaturated runs one SQLite node serving two workspaces:
// A, the demo workspace with its inbound workflow, whose channel is sent
// as many webhooks as the test's senders can push; B, a workspace of its
// own with a custom channel, sent a light steady stream. B's webhook p99
// must stay within 2× of its p99 measured idle, before the flood, in the
// same test: a ratio measured in one sitting. Every webhook of either
// answered 200 is stored once.
//
// It does not hold yet (see EnvSaturation), so it runs only when asked.
func TestOneWorkspaceSaturated(t *testing.T) {
	if os.Getenv(EnvSaturation) == "" {
		t.Skipf("the fairness measurement of issue 14 §3, which does not hold yet: run it with %s=1", EnvSaturation)
	}
	sc := saturationLoad()
	bin, dialect, share := saturationNode(t)
	ctx := t.Context()
	cfg := dbtest.Config(t, dialect)
	store := harness.StoreArgs(cfg.DataDir, cfg.URL)
	logFile := filepath.Join(t.TempDir(), "serve.log")
	demo, err := harness.LoadDemo(ctx, bin, store)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := harness.Start(ctx, harness.Options{Bin: bin, StoreArgs: store, LogFile: logFile,
		Env: []string{fmt.Sprintf("SWITCHBOARD_WEBHOOKS_PER_WORKSPACE=%d", share)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Kill)
	quiet := quietWorkspace(t, bin, store, srv.URL)

	lb := newLedger()
	whB := harness.NewWebhook(srv.URL, quiet, 1)
	idle := measureQuiet(ctx, t, whB, lb, "idle", sc.warmUp, sc.samples)
	t.Logf("idle: p50 %s p99 %s", pct(idle, 50), p99(idle))

	la := newLedger()
	whA := harness.NewWebhook(srv.URL, demo, sc.flooders)
	var throttled atomic.Int64
	floodCtx, stopFlood := context.WithCancel(ctx)
	flooding := make(chan struct{})
	go func() {
		defer close(flooding)
		flood(floodCtx, whA, la, sc.flooders, &throttled)
	}()
	// The flood is on once A's senders have had answers.
	waitUntil(t, maxRound, "the flood to start", func() (bool, string) {
		_, acked, _ := la.counts()
		return acked >= sc.flooders || (acked > 0 && throttled.Load() > 0), fmt.Sprintf("%d of workspace A's messages acknowledged, %d answers 429", acked, throttled.Load())
	})
	_, ackedBefore, _ := la.counts()
	began := time.Now()
	loaded := measureQuiet(ctx, t, whB, lb, "flooded", sc.warmUp, sc.samples)
	took := time.Since(began)
	_, ackedAfter, _ := la.counts()
	stopFlood()
	<-flooding

	sentA, ackedA, errsA := la.counts()
	rateA := float64(ackedAfter-ackedBefore) / took.Seconds()
	ratio := float64(p99(loaded)) / float64(p99(idle))
	t.Logf("%s, --webhooks-per-workspace %d, %s", dialect, share, bin)
	t.Logf("workspace B, %d webhooks each: idle p50 %s p99 %s; with A flooded p50 %s p99 %s; p99 ratio %.2f (bound 2)",
		sc.samples, pct(idle, 50), p99(idle), pct(loaded, 50), p99(loaded), ratio)
	t.Logf("workspace A meanwhile: %.0f messages/s acknowledged by %d senders; %d sent, %d acknowledged, %d answered 429 (then retried), %d failed otherwise",
		rateA, sc.flooders, sentA, ackedA, throttled.Load(), errsA)
	if ratio > 2 {
		t.Errorf("workspace B's webhook p99 went from %s idle to %s while workspace A was flooded: %.2f×, over 2×", p99(idle), p99(loaded), ratio)
	}
	if _, acked, errs := lb.counts(); errs > 0 {
		t.Errorf("workspace B: %d webhooks not answered 200 (of %d acknowledged), e.g. %q", errs, acked, lb.refused[:min(3, len(lb.refused))])
	}
	// Stopped first: requests the senders gave up on at the flood's end
	// may still be committing, and the store is checked at rest.
	if err := srv.Stop(15 * time.Second); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	st, err := harness.OpenStore(cfg.DataDir, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	verifyStore(t, st, demo.ChannelID, la)
	verifyStore(t, st, quiet.ChannelID, lb)
	checkNoRace(t, logFile)
}

// quietWorkspace creates workspace B: an owner with `switchboard user
// create` (a new workspace), signed in, who creates a custom channel
// through the API. It returns the channel as harness.NewWebhook wants it.
func quietWorkspace(t *testing.T, bin string, store []string, base string) harness.Demo {
	t.Helper()
	email, password := "quiet-owner@test.local", "quiet-owner-password"
	args := append([]string{"user", "create", "--log-level", "warn", "--workspace", "0", "--workspace-name", "Quiet",
		"--email", email, "--name", "Quiet Owner", "--role", "owner", "--password", password}, store...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("user create: %v", err)
	}
	var u struct {
		ID          int64 `json:"id"`
		WorkspaceID int64 `json:"workspace_id"`
	}
	if err := json.Unmarshal(out, &u); err != nil || u.ID == 0 {
		t.Fatalf("user create printed %q: %v", out, err)
	}
	var session struct {
		Token string `json:"token"`
	}
	if err := api("POST", base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &session); err != nil {
		t.Fatal(err)
	}
	var ch struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	in := map[string]any{"type": "custom", "name": "Quiet", "config": map[string]string{"base_url": "http://127.0.0.1:9/quiet"}}
	if err := api("POST", base+"/api/v1/channels", session.Token, in, &ch); err != nil {
		t.Fatal(err)
	}
	return harness.Demo{WorkspaceID: u.WorkspaceID, ChannelID: ch.ID, ChannelToken: ch.Token, APIToken: session.Token,
		WebhookPath: fmt.Sprintf("/channels/custom/%d/webhook", ch.ID)}
}

// measureQuiet sends workspace B's light stream, one webhook at a time
// paced by quietEvery, and returns the latencies of the last n, after
// warmUp not measured. Each webhook is a new message of one of a few
// contacts.
func measureQuiet(ctx context.Context, t *testing.T, wh *harness.Webhook, l *ledger, phase string, warmUp, n int) []time.Duration {
	t.Helper()
	var seq atomic.Int64
	var out []time.Duration
	tick := time.NewTicker(quietEvery)
	defer tick.Stop()
	for i := range warmUp + n {
		k := seq.Add(1)
		w := &webhook{contactID: fmt.Sprintf("+1553%07d", i%20), mIDs: []string{fmt.Sprintf("quiet-%s-%d", phase, k)}}
		l.add(w)
		body := harness.Body(wh.ChannelID, w.contactID, "Quiet", []harness.Message{{MID: w.mIDs[0], Text: "steady"}}, time.Now())
		began := time.Now()
		status, err := wh.Post(ctx, body)
		took := time.Since(began)
		l.result(w, status, err)
		if err != nil {
			t.Fatalf("workspace B's webhook (%s): %v", phase, err)
		}
		if i >= warmUp {
			out = append(out, took)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-tick.C:
		}
	}
	return out
}

// flood sends workspace A's webhooks from workers goroutines until ctx
// ends, each a new message of one of a few hundred contacts, the next as
// soon as the last was answered; a 429 is retried after its Retry-After,
// as providers do, with the same message.
func flood(ctx context.Context, wh *harness.Webhook, l *ledger, workers int, throttled *atomic.Int64) {
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("flood-g%d-i%d", g, i)
				w := &webhook{contactID: fmt.Sprintf("+1552%03d%04d", g, i%8), mIDs: []string{id}}
				l.add(w)
				body := harness.Body(wh.ChannelID, w.contactID, "Flood", []harness.Message{{MID: id, Text: "flood " + id}}, time.Now())
				for ctx.Err() == nil {
					status, err := wh.Post(ctx, body)
					if status == http.StatusTooManyRequests {
						throttled.Add(1)
						select {
						case <-ctx.Done():
						case <-time.After(time.Second): // the node's Retry-After
						}
						continue
					}
					l.result(w, status, err)
					break
				}
			}
		})
	}
	wg.Wait()
}

var pctMu sync.Mutex

// pct returns the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	pctMu.Lock()
	defer pctMu.Unlock()
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s), i)-1)].Round(10 * time.Microsecond)
}

func p99(ds []time.Duration) time.Duration { return pct(ds, 99) }
