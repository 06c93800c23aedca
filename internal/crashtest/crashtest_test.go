package crashtest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

const (
	workers = 16 // concurrent webhook senders
	rounds  = 2  // kill → restart cycles before the final check
	// minAcked is the fewest acknowledged messages a round must have for
	// the test to prove anything. A round's load lasts 1.5–2.5 s and, on a
	// slow machine (a server built with -race is slow), until this many
	// were acknowledged, but never past maxRound.
	minAcked = 100
	maxRound = 20 * time.Second
	// perWorker bounds each sender; the kill comes long before.
	perWorker = 20000
	// maxSettle bounds the restarted node's catching up with the
	// workflow runs the load started.
	maxSettle = 90 * time.Second
	// lease is the claims' lease on the node under test: far longer than
	// maxSettle, so the runs and sends a killed node held can only resume
	// in time if the restarted node takes them back (on SQLite, at once;
	// on PostgreSQL, once the dead node is silent for node.Silence), not
	// by their lease ending.
	lease = time.Hour
)

// TestSIGKILLUnderLoad kills `switchboard serve` with SIGKILL while
// webhooks are in flight, twice, restarting it on the same store each time,
// then checks that every webhook answered 200 is stored exactly once, that
// the conversation and event-log invariants hold, and that the demo's
// inbound workflow ran once per conversation, its first step exactly once.
// It runs on SQLite, and on PostgreSQL too when SWITCHBOARD_TEST_POSTGRES
// is set.
func TestSIGKILLUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and kills the server: skipped with -short")
	}
	bin, err := harness.Build(t.Context(), t.TempDir(), raceEnabled)
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) { crashAndVerify(t, bin, dialect) })
	}
}

func crashAndVerify(t *testing.T, bin string, dialect db.Dialect) {
	ctx := t.Context()
	cfg := dbtest.Config(t, dialect) // a fresh folder or database, removed after the test
	store := harness.StoreArgs(cfg.DataDir, cfg.URL)
	logFile := filepath.Join(t.TempDir(), "serve.log")
	demo, err := harness.LoadDemo(ctx, bin, store)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	start := func() *harness.Server {
		t.Helper()
		srv, err := harness.Start(ctx, harness.Options{Bin: bin, StoreArgs: store, LogFile: logFile, Args: []string{"--lease", lease.String()}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Kill) // runs before dbtest drops the database
		return srv
	}

	for round := 1; round <= rounds; round++ {
		srv := start()
		_, ackedBefore, _ := l.counts()
		wh := harness.NewWebhook(srv.URL, demo, 2*workers)
		loadCtx, stopLoad := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			generate(loadCtx, wh, l, round, workers, perWorker)
		}()
		waitForLoad(l, ackedBefore, 1500*time.Millisecond+rand.N(time.Second))
		srv.Kill()
		// Only now stop the senders: requests in flight at the kill fail
		// and count as not acknowledged, like a provider's would.
		stopLoad()
		<-done
		sent, acked, errs := l.counts()
		t.Logf("round %d: %d messages sent so far, %d acknowledged, %d deliveries without a 200", round, sent, acked, errs)
		if len(l.refused) > 0 {
			// Redeliveries and concurrent first messages must all get 200;
			// only requests cut by the kill may fail.
			t.Fatalf("round %d: the server refused %d deliveries, e.g. %q", round, len(l.refused), l.refused[:min(3, len(l.refused))])
		}
		if acked-ackedBefore < minAcked {
			t.Fatalf("round %d: only %d messages acknowledged before the kill; is the webhook served?\n%s",
				round, acked-ackedBefore, logTail(logFile))
		}
	}

	srv := start()
	st, err := harness.OpenStore(cfg.DataDir, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := verifyStore(t, st, demo.ChannelID, l)
	verifyWorkflows(t, st, maxSettle, logFile)
	_, acked, _ := l.counts()
	t.Logf("after %d kills: %d messages stored; %d were acknowledged", rounds, stored, acked)
	if viaAPI := countReceivedViaAPI(t, srv.URL, demo.APIToken, demo.ChannelID); viaAPI != stored {
		t.Errorf("the restarted server lists %d message.received events, the store has %d messages", viaAPI, stored)
	}
	if err := srv.Stop(15 * time.Second); err != nil {
		t.Errorf("graceful stop after recovery: %v", err)
	}
	checkNoRace(t, logFile)
}

// waitForLoad returns once at least d has passed and the round has
// minAcked acknowledged messages, or after maxRound.
func waitForLoad(l *ledger, ackedBefore int, d time.Duration) {
	start := time.Now()
	for time.Since(start) < maxRound {
		time.Sleep(20 * time.Millisecond)
		if _, acked, _ := l.counts(); time.Since(start) >= d && acked-ackedBefore >= minAcked {
			return
		}
	}
}

// checkNoRace fails the test if the race detector reported in the child.
func checkNoRace(t *testing.T, logFile string) {
	t.Helper()
	b, _ := os.ReadFile(logFile)
	if i := bytes.Index(b, []byte("WARNING: DATA RACE")); i >= 0 {
		t.Errorf("the server reported a data race:\n%s", b[i:min(len(b), i+6000)])
	}
}

func logTail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
