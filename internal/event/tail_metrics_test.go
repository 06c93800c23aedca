package event_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// switchboard_live_delivery_seconds times each event handed to a live
// stream from its created_at, stamped in its transaction, so a
// transaction that commits late shows in it; an event no stream wants is
// not counted.
func TestTailTimesDeliveryFromTheEventsStamp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := newClock()
		d.SetClock(clk)
		f := newTailFixture(t, d, 2)
		m := metrics.New()
		m.Register(f.tail.Collector())
		sub := f.tail.Subscribe(event.Filter{WorkspaceID: f.ws[0]}.Matches)
		defer sub.Close()

		ctx := context.Background()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			for _, ws := range f.ws {
				if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactUpdated}); err != nil {
					return err
				}
			}
			clk.Advance(300 * time.Millisecond) // the transaction goes on before it commits
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-sub.C:
			if len(got) != 1 || got[0].WorkspaceID != f.ws[0] {
				t.Fatalf("handed %+v", got)
			}
		case <-time.After(30 * time.Second): // a last resort: the tail hands it out at once
			t.Fatal("the event never reached the stream")
		}
		for sample, want := range map[string]float64{
			`switchboard_live_delivery_seconds_count`:             1, // the other workspace's event reached no stream
			`switchboard_live_delivery_seconds_sum`:               0.3,
			`switchboard_live_delivery_seconds_bucket{le="0.25"}`: 0,
			`switchboard_live_delivery_seconds_bucket{le="0.5"}`:  1,
		} {
			if got := metricstest.Value(t, m, sample); got != want {
				t.Errorf("%s = %v, want %v", sample, got, want)
			}
		}
	})
}
