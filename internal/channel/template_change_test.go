package channel

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// gated is a provider with templates that counts its reads; while gate
// is set, a read tells entered and waits for the gate to close.
type gated struct {
	fake
	reads   atomic.Int32
	fail    atomic.Bool
	gate    chan struct{}
	entered chan struct{}
}

func (g *gated) SyncTemplates(context.Context, Channel) ([]Template, error) {
	g.reads.Add(1)
	if g.gate != nil {
		g.entered <- struct{}{}
		<-g.gate
	}
	if g.fail.Load() {
		return nil, errors.New("graph api: HTTP 500")
	}
	return []Template{{Name: "order_update", Language: "en_US", Status: "APPROVED"}}, nil
}

// A sync caused by a report reads the provider's list unless one begun
// since the report arrived has read it; a failed one counts for nothing;
// the reports that arrive while one reads wait and are answered by one
// more read.
func TestSyncTemplatesSince(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	p := &gated{fake: fake{"tpl"}}
	reg, err := NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	s := NewWithOptions(d, Options{Registry: reg, Keys: testKeys(t, 3)})
	ws, _ := workspace.New(d).Create(ctx, "A", "UTC")
	ch, err := s.Create(ctx, ws.ID, Input{Type: "tpl", Name: "wa", Config: json.RawMessage(`{"phone_id":"1","api_key":"k"}`)})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return s.Clock().Now() }
	syncSince := func(since time.Time) error { return s.SyncTemplatesSince(ctx, ws.ID, ch.ID, since) }

	before := now()
	if err := syncSince(before); err != nil || p.reads.Load() != 1 {
		t.Fatalf("first: %v, %d reads", err, p.reads.Load())
	}
	if err := syncSince(before); err != nil || p.reads.Load() != 1 {
		t.Fatalf("a report older than the sync: %v, %d reads", err, p.reads.Load())
	}
	if err := syncSince(now()); err != nil || p.reads.Load() != 2 {
		t.Fatalf("a report after the sync: %v, %d reads", err, p.reads.Load())
	}
	p.fail.Store(true)
	late := now()
	if err := syncSince(late); err == nil || p.reads.Load() != 3 {
		t.Fatalf("failing: %v, %d reads", err, p.reads.Load())
	}
	p.fail.Store(false)
	if err := syncSince(late); err != nil || p.reads.Load() != 4 {
		t.Fatalf("after a failure: %v, %d reads", err, p.reads.Load())
	}

	// One report's sync reads; two more arrive meanwhile: one more read
	// answers both.
	p.gate, p.entered = make(chan struct{}), make(chan struct{}, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Go(func() { errs <- syncSince(now()) })
	<-p.entered
	sinceB, sinceC := now(), now()
	wg.Go(func() { errs <- syncSince(sinceB) })
	wg.Go(func() { errs <- syncSince(sinceC) })
	close(p.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := p.reads.Load(); got != 6 {
		t.Errorf("%d reads for three reports, two of them during the first one's read; want 2 (6 in all)", got-4)
	}

	// A report waiting for another's sync gives up with its context.
	p.gate, p.entered = make(chan struct{}), make(chan struct{}, 1)
	wg.Go(func() { syncSince(now()) })
	<-p.entered
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.SyncTemplatesSince(short, ws.ID, ch.ID, now()); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting with an ended context: %v", err)
	}
	close(p.gate)
	wg.Wait()
}
