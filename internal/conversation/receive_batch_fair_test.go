package conversation

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// secondWorkspace adds a workspace with a custom channel to f's store and
// returns an inbound message maker for it.
func secondWorkspace(t *testing.T, f *fixture) func(external, providerID string) Inbound {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.New(f.db).Create(ctx, "Quiet", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	var channelID int64
	err = f.db.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'quiet', 'quiet-token', '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, ws.ID, tx.Now()).Scan(&channelID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return func(external, providerID string) Inbound {
		return Inbound{Kind: KindMessage, WorkspaceID: ws.ID, ChannelID: channelID, ExternalID: external,
			ProviderMessageID: providerID, Type: "text", Text: "quiet"}
	}
}

// holdWriter occupies the store's one writer (SQLite) until the returned
// release is called.
func holdWriter(t *testing.T, d *db.DB) (release func()) {
	t.Helper()
	gate, started, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		err := d.WriteConcurrent(context.Background(), func(*db.Tx) error {
			select {
			case <-started:
			default:
				close(started)
			}
			<-gate
			return nil
		})
		if err != nil {
			t.Errorf("holder: %v", err)
		}
	}()
	<-started
	return func() {
		close(gate)
		<-done
	}
}

// pendingWebhooks is how many webhooks wait in the receive batch, not yet
// handed to the committer.
func (b *receiveBatch) pendingWebhooks() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, l := range b.workspaces {
		n += len(l.pending)
	}
	return n
}

// waitWebhooks returns once n webhooks wait in the receive batch. With
// the writer held they all stay there: a batch is taken from them only
// when the committer runs its job (writeLate). If they do not all get
// there, release (if not nil) frees the writer before the test fails.
func waitWebhooks(t *testing.T, f *fixture, n int, release func()) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for f.svc.batch.pendingWebhooks() != n {
		if time.Now().After(deadline) {
			got := f.svc.batch.pendingWebhooks()
			if release != nil {
				release()
			}
			t.Fatalf("webhooks waiting in the batch = %d, want %d", got, n)
		}
		runtime.Gosched()
	}
}

// Issue 14 §3: a quiet workspace's webhook does not wait behind a
// flooding workspace's queue in the receive batch. With the writer held,
// workspace A sends 1,200 webhooks, then workspace B one: B's goes to the
// committer in a job of its own, in B's lane, and is written after at
// most one of A's batches (512 webhooks) — in the first or second batch
// the writer takes — not after every webhook A sent before it (a single
// list of every workspace's webhooks, batches tagged with the first one's
// workspace). A's webhooks are all stored.
func TestReceiveBatchServesWorkspacesInTurn(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	quiet := secondWorkspace(t, f)
	ctx := context.Background()
	release := holdWriter(t, d)
	batches := dbtest.RecordBatches(d)

	const nA = 1200
	var wg sync.WaitGroup
	errs := make(chan error, nA+1)
	for i := range nA {
		wg.Go(func() {
			if _, err := f.svc.Receive(ctx, []Inbound{f.inbound(fmt.Sprintf("+1415%07d", i), fmt.Sprintf("a-%d", i), "flood")}); err != nil {
				errs <- err
			}
		})
	}
	waitWebhooks(t, f, nA, release)
	var got []Received
	wg.Go(func() {
		var err error
		if got, err = f.svc.Receive(ctx, []Inbound{quiet("+15550000001", "b-1")}); err != nil {
			errs <- err
		}
	})
	waitWebhooks(t, f, nA+1, release)
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("receive: %v", err)
	}

	// The writer writes in order: the messages stored before B's are the
	// webhooks of A written before it or ahead of it in its batch.
	ahead := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE channel_id = ? AND id < ?`, f.channel.ID, got[0].MessageID)
	if ahead > maxGroup {
		t.Errorf("%d of workspace A's webhooks were written before workspace B's one; want at most one batch (%d)", ahead, maxGroup)
	}
	written := batches()
	quietWS := quiet("", "").WorkspaceID
	at := slices.IndexFunc(written, func(b []db.BatchJob) bool {
		return slices.ContainsFunc(b, func(j db.BatchJob) bool { return j.Lane == quietWS })
	})
	t.Logf("%d of A's webhooks written before B's; batches (lane:weight): %v", ahead, written)
	if at < 0 || at > 1 {
		t.Errorf("workspace B's webhook was written in batch %d of %d (0: never in B's lane); want the first or second", at+1, len(written))
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE channel_id = ?`, f.channel.ID); n != nA {
		t.Errorf("workspace A's messages = %d, want %d", n, nA)
	}
}

// The webhooks that arrive while the writer is busy are written together
// once it is free, in one receive batch: the batch is taken when the
// committer runs its job, not when the job is queued. Taken at queueing,
// the first two webhooks went to the committer alone, each in a batch of
// its own (too small for the batched path: eight statements each), and
// the rest in a third.
func TestReceiveBatchTakesWhatWaitsWhenWritten(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	ctx := context.Background()
	release := holdWriter(t, d)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if _, err := f.svc.Receive(ctx, []Inbound{f.inbound(fmt.Sprintf("+1415%07d", i), fmt.Sprintf("w-%d", i), "hello")}); err != nil {
				errs <- err
			}
		})
	}
	waitWebhooks(t, f, n, release)
	before := d.Statements()
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("receive: %v", err)
	}
	// One batch of 20 new contacts: its lookups and defaults, then one
	// INSERT per table and chunk (16 + 4) and the events.
	if got := d.Statements() - before; got > 24 {
		t.Errorf("writing %d webhooks that waited took %d statements, want one batch's (at most 24)", n, got)
	}
	if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); got != n {
		t.Errorf("messages = %d, want %d", got, n)
	}
}
