package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// levelResult is what one concurrency level measured.
type levelResult struct {
	Concurrency int
	Workflows   bool // the demo's inbound workflow ran for every message
	Sent        int  // webhooks posted (one message each)
	Acked       int  // answered 200
	Failures    int  // errors and non-200 answers
	FirstError  string
	Elapsed     time.Duration
	P50, P99    time.Duration
	Max         time.Duration
	Stored      int64         // inbound messages found in the store afterwards
	Contacts    int64         // channel identities (one per contact) found in the store afterwards
	ServerCPU   time.Duration // user+system CPU of the server process
	ClientCPU   time.Duration // user+system CPU of the load generator (this process)
	OtherCPU    time.Duration // CPU used meanwhile by every other process on the machine (-1: unknown)
	Verified    bool          // Stored matches what was acknowledged
	VerifyNote  string
	Indexes     string // SQLite stores: how many indexes each written table has

	// Senders, when not 0, is how many contacts the messages come from in
	// turn: past the first of each, every message is a follow-up in the
	// contact's open conversation. 0: each message from a new contact.
	Senders int

	// PostgreSQL runs only (see pgLevel): the nodes serving, the CPU of
	// each, and the time backends spent waiting for a lock, summed.
	Nodes    int
	NodeCPU  []time.Duration
	LockWait time.Duration
	// LockCauses is what LockWait was made of, the longest first.
	LockCauses []lockCause
	// AnalyzedAfter is when, into the load, the bench analyzed a
	// PostgreSQL level's database (0: it did not; see analyzeWhenWarm).
	AnalyzedAfter time.Duration
	// Deadlocks PostgreSQL found in the level's database (-1: unknown),
	// read once its nodes stopped, so every backend has reported.
	Deadlocks int64
}

// Rate is acknowledged messages per second.
func (r levelResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Acked) / r.Elapsed.Seconds()
}

// contactID is the E.164 phone of the i-th benchmark contact.
func contactID(i int) string { return fmt.Sprintf("+1415%07d", i) }

// level is one served level: the load, and the binary and store that
// serve it.
type level struct {
	bin         string
	concurrency int           // webhooks in flight
	n           int           // at most this many messages
	senders     int           // 0: each message from a new contact; else from this many contacts in turn
	duration    time.Duration // at most this long
	// workflows starts the demo's inbound workflow, which runs for every
	// message (welcome, question, then a wait for the answer), its
	// messages delivered to an integrator in this process that accepts
	// them all.
	workflows   bool
	databaseURL string // a fresh, empty PostgreSQL database; "": a fresh SQLite folder
	nodes       int    // processes sharing databaseURL, the load spread evenly over them (SQLite: 1)
	cpuProfile  string // where the server writes its CPU profile, start to exit (serve --cpu-profile); "": none
}

// run starts the level's servers on a fresh store, sends messages at its
// concurrency for its time (or until n were sent), stops the servers and
// counts what they stored.
func (l level) run(ctx context.Context) (levelResult, error) {
	nodes := max(l.nodes, 1)
	res := levelResult{Concurrency: l.concurrency, Workflows: l.workflows, Senders: l.senders, Nodes: nodes}
	dir, err := os.MkdirTemp("", "switchboard-bench-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	store := harness.StoreArgs(dir, l.databaseURL)
	demoArgs := append(slices.Clone(store), "--workflows=false")
	if l.workflows {
		integrator := newIntegrator()
		defer integrator.Close()
		demoArgs = append(slices.Clone(store), "--channel-url", integrator.URL)
	}
	demo, err := harness.LoadDemo(ctx, l.bin, demoArgs)
	if err != nil {
		return res, err
	}
	var srvs []*harness.Server
	var whs []*harness.Webhook
	for i := range nodes {
		o := harness.Options{Bin: l.bin, StoreArgs: store, LogFile: filepath.Join(dir, fmt.Sprintf("serve-%d.log", i))}
		if l.cpuProfile != "" {
			o.Args = []string{"--cpu-profile", l.cpuProfile}
		}
		srv, err := harness.Start(ctx, o)
		if err != nil {
			return res, err
		}
		defer srv.Kill() // only if we return early; a normal run stops it gracefully first
		srvs = append(srvs, srv)
		whs = append(whs, harness.NewWebhook(srv.URL, demo, l.concurrency))
	}
	var locks *lockSampler
	if l.databaseURL != "" {
		if locks, err = sampleLockWaits(ctx, l.databaseURL); err != nil {
			return res, err
		}
	}

	cpu0 := harness.SelfCPU()
	srv0 := make([]time.Duration, len(srvs))
	srvOK := true
	for i, srv := range srvs {
		var ok bool
		srv0[i], ok = srv.CPUSoFar()
		srvOK = srvOK && ok
	}
	busy0, busyOK := harness.MachineBusy()
	stopAnalyze := func() time.Duration { return 0 }
	if l.databaseURL != "" && analyzeWarm {
		stopAnalyze = analyzeWhenWarm(ctx, l.databaseURL, time.Now())
	}
	lat, firstErr := generate(ctx, whs, l.concurrency, l.n, l.duration, &res)
	res.AnalyzedAfter = stopAnalyze()
	busy1, _ := harness.MachineBusy()
	srv1 := make([]time.Duration, len(srvs))
	for i, srv := range srvs {
		srv1[i], _ = srv.CPUSoFar()
	}
	if locks != nil {
		res.LockWait, res.LockCauses = locks.stop()
	}
	res.ClientCPU = harness.SelfCPU() - cpu0
	res.FirstError = firstErr
	slices.Sort(lat)
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}

	for i, srv := range srvs {
		if err := srv.Stop(30 * time.Second); err != nil {
			return res, fmt.Errorf("stop server: %w", err)
		}
		cpu := srv1[i] - srv0[i]
		if !srvOK {
			// Counted to the exit, so start-up and shutdown are included.
			user, sys := srv.CPU()
			cpu = user + sys
		}
		res.NodeCPU = append(res.NodeCPU, cpu)
		res.ServerCPU += cpu
	}
	res.OtherCPU = -1
	if busyOK {
		res.OtherCPU = max(0, busy1-busy0-res.ServerCPU-res.ClientCPU)
	}
	if l.databaseURL != "" {
		res.Deadlocks = deadlocks(ctx, l.databaseURL)
	}
	return res, verifyStored(ctx, dir, l.databaseURL, demo.ChannelID, &res)
}

// generate posts webhooks, each the first message of a new contact (or,
// with res.Senders, of one of that many contacts in turn), from
// concurrency workers until duration has passed or n were sent. A fixed
// time rather than a fixed count keeps every level near the same length
// whatever the speed. It returns every acknowledgement latency.
func generate(ctx context.Context, whs []*harness.Webhook, concurrency, n int, duration time.Duration, res *levelResult) ([]time.Duration, string) {
	var next atomic.Int64
	var acked, failed atomic.Int64
	var errOnce sync.Once
	var firstErr string
	lats := make([][]time.Duration, concurrency)
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for w := range concurrency {
		lats[w] = make([]time.Duration, 0, 1024)
		wh := whs[w%len(whs)]
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil || time.Now().After(deadline) {
					return
				}
				from := i
				if res.Senders > 0 {
					from = i % res.Senders
				}
				body := harness.Body(wh.ChannelID, contactID(from), "Bench", []harness.Message{{MID: fmt.Sprintf("bench-%d", i), Text: "hello from the benchmark"}}, time.Now())
				t0 := time.Now()
				_, err := wh.Post(ctx, body)
				d := time.Since(t0)
				if err != nil {
					failed.Add(1)
					errOnce.Do(func() { firstErr = err.Error() })
					continue
				}
				acked.Add(1)
				lats[w] = append(lats[w], d)
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Acked, res.Failures = int(acked.Load()), int(failed.Load())
	res.Sent = res.Acked + res.Failures
	return slices.Concat(lats...), firstErr
}

// percentile returns the q-quantile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// verifyStored counts the inbound messages in the stopped server's store
// (the SQLite file in dir, or the PostgreSQL database): every acknowledged message must be there once, with a contact of
// its own, and nothing that was never sent.
func verifyStored(ctx context.Context, dir, databaseURL string, channelID int64, res *levelResult) error {
	st, err := harness.OpenStore(dir, databaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	var distinct int64
	q := fmt.Sprintf(`SELECT COUNT(*), COUNT(DISTINCT provider_message_id) FROM messages WHERE channel_id = %d AND direction = 'in'`, channelID)
	if err := st.QueryRowContext(ctx, q).Scan(&res.Stored, &distinct); err != nil {
		return fmt.Errorf("count stored messages: %w", err)
	}
	if err := st.QueryRowContext(ctx, `SELECT COUNT(*) FROM contact_identities`).Scan(&res.Contacts); err != nil {
		return fmt.Errorf("count contacts: %w", err)
	}
	judgeStored(res, distinct)
	if databaseURL == "" {
		var err error
		res.Indexes, err = indexCounts(ctx, st, "contacts", "contact_identities", "conversations", "messages", "events")
		return err
	}
	return nil
}

// judgeStored compares what a stopped server stored (res.Stored messages
// under distinct provider ids, res.Contacts contacts) with what it
// acknowledged, and sets res.Verified and res.VerifyNote.
func judgeStored(res *levelResult, distinct int64) {
	contacts := res.Stored // every message from a contact of its own
	if res.Senders > 0 {
		contacts = min(contacts, int64(res.Senders))
	}
	switch {
	case res.Contacts != contacts:
		res.VerifyNote = fmt.Sprintf("%d messages stored for %d contacts", res.Stored, res.Contacts)
	case distinct != res.Stored:
		res.VerifyNote = fmt.Sprintf("%d messages stored under %d distinct ids", res.Stored, distinct)
	case res.Stored < int64(res.Acked):
		res.VerifyNote = fmt.Sprintf("%d acknowledged but only %d stored", res.Acked, res.Stored)
	case res.Stored > int64(res.Sent):
		res.VerifyNote = fmt.Sprintf("%d stored but only %d sent", res.Stored, res.Sent)
	default:
		// A failed request may still have committed (the answer was lost), so
		// stored may exceed acknowledged by at most the failures.
		res.Verified = true
		res.VerifyNote = fmt.Sprintf("%d stored, %d acknowledged", res.Stored, res.Acked)
	}
}

// newIntegrator is a custom channel's integrator that accepts every
// outbound message, as a healthy integration does.
func newIntegrator() *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"mId":"bench-out-%d"}`, n.Add(1))
	}))
}
