package event_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A consumer that only passes over events (none of its types) writes no
// cursor for a few of them, but writes it once it is PassedOverWrite
// behind, so that the next start does not read them all again to find
// nothing; a restarted node then reads only what came after.
func TestConsumerStoresACursorItOnlyPassedOver(t *testing.T) {
	cursor := func(t *testing.T, d *db.DB) int {
		return dbtest.Count(t, d, `SELECT last_id FROM event_consumers WHERE name = 'rare'`)
	}
	for _, tc := range []struct {
		passed  int
		written bool
	}{{10, false}, {event.PassedOverWrite + 10, true}} {
		t.Run(fmt.Sprint(tc.passed), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				n := newNode(d, newClock())
				ws := setup(t, d)
				r := &recorder{}
				c := n.consumer(t, "rare", r, event.ConsumerConfig{Types: []event.Type{event.ContactTagUpdated}})
				ctx, stop := context.WithCancel(context.Background())
				n.g.StartAll()
				done := make(chan struct{})
				go func() { defer close(done); c.Run(ctx) }()
				backgroundtest.WaitIdle(t, n.g)
				start := cursor(t, d)
				ids := appendEvents(t, d, ws, repeat(event.ContactCreated, tc.passed)...)
				backgroundtest.WaitIdle(t, n.g)
				stop()
				<-done
				got, last := cursor(t, d), int(ids[len(ids)-1])
				if tc.written && got != last {
					t.Fatalf("cursor at %d after passing over %d events, want %d", got, tc.passed, last)
				}
				if !tc.written && got != start {
					t.Fatalf("cursor moved from %d to %d for %d events passed over, want no write", start, got, tc.passed)
				}
				if c.Position() != int64(last) {
					t.Fatalf("position %d, want %d", c.Position(), last)
				}

				// A fresh node picks up from the stored cursor: a wanted
				// event after them is handled, once.
				second := newNode(d, newClock())
				c2 := second.consumer(t, "rare", r, event.ConsumerConfig{Types: []event.Type{event.ContactTagUpdated}})
				want := appendEvents(t, d, ws, event.ContactTagUpdated)
				backgroundtest.Run(t, second.g, c2.Run)
				backgroundtest.WaitIdle(t, second.g)
				if h := r.ids(); len(h) != 1 || h[0] != want[0] {
					t.Fatalf("handled %v, want %v", h, want)
				}
			})
		})
	}
}

// On PostgreSQL the cursor of events passed over is written beside the
// concurrent writes (webhooks, other consumers) rather than exclusively:
// it only moves forward under its row lock, and an exclusive write held
// up every webhook of the node behind it. Here another node's concurrent
// write holds the write lock shared throughout, and the cursor is still
// written.
func TestConsumerStoresPassedOverBesideConcurrentWrites(t *testing.T) {
	cfg := dbtest.PostgresConfig(t)
	d := dbtest.OpenConfig(t, cfg)
	other := dbtest.OpenConfig(t, cfg)
	ws := setup(t, d)
	r := &recorder{}
	types := event.ConsumerConfig{Types: []event.Type{event.ContactTagUpdated}}
	// A first run creates the cursor row. Both nodes are made before it
	// runs: newNode sets d's clock, which the first one's writes read.
	clk := newClock()
	first, n := newNode(d, clk), newNode(d, clk)
	backgroundtest.Run(t, first.g, first.consumer(t, "rare", r, types).Run)
	backgroundtest.WaitIdle(t, first.g)
	ids := appendEvents(t, d, ws, repeat(event.ContactCreated, event.PassedOverWrite+10)...)

	held, release := make(chan struct{}), make(chan struct{})
	writeDone := make(chan error, 1)
	go func() {
		writeDone <- other.WriteConcurrent(context.Background(), func(tx *db.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	backgroundtest.Run(t, n.g, n.consumer(t, "rare", r, types).Run)
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	backgroundtest.WaitIdle(t, n.g)
	if got, want := dbtest.Count(t, d, `SELECT last_id FROM event_consumers WHERE name = 'rare'`), int(ids[len(ids)-1]); got != want {
		t.Fatalf("cursor at %d while a concurrent write ran, want %d", got, want)
	}
	released = true
	close(release)
	if err := <-writeDone; err != nil {
		t.Fatal(err)
	}
}
