package event_test

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A concurrent consumer's batches are short on PostgreSQL, where a batch
// holds the rows it changes while other nodes' writes wait for them, and
// as large as asked on SQLite, whose one writer spends its time on
// statements that a large batch shares.
func TestConcurrentConsumerBatchesAreShortOnPostgres(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNode(d, newClock())
		ws := setup(t, d)
		r := &recorder{}
		var mu sync.Mutex
		var sizes []int
		c := event.NewConsumer(n.d, n.hub, n.g, event.ConsumerConfig{Name: "concurrent", Batch: 256, Concurrent: true,
			Types: []event.Type{event.ContactCreated},
			Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
				mu.Lock()
				sizes = append(sizes, len(events))
				mu.Unlock()
				return r.handle(ctx, tx, events)
			}})
		backgroundtest.Run(t, n.g, c.Run)
		backgroundtest.WaitIdle(t, n.g)
		appendEvents(t, d, ws, repeat(event.ContactCreated, 300)...)
		backgroundtest.WaitIdle(t, n.g)

		if got := len(r.ids()); got != 300 {
			t.Fatalf("handled %d events, want 300", got)
		}
		largest := 0
		for _, s := range sizes {
			largest = max(largest, s)
		}
		want := 256 // the batch asked for
		if d.Dialect == db.Postgres {
			want = 128
		}
		if largest != want {
			t.Fatalf("batches of %v events; want the largest %d", sizes, want)
		}
	})
}
