package outbound_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// The dispatcher looks only at the first jobs in due order to find when
// to wake. When all of those are being sent by other nodes (leased past
// their due time), a job further on that is due now must still be sent
// at once, not when those leases end.
func TestDispatcherSeesDueJobsBehindLeasedOnes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		// One message per contact: messages to one contact go in order, so
		// those behind a leased one wait for it whatever the scan sees.
		const leased, free = 64, 6
		for i := range leased + free {
			e.send(t, e.conversation(t, fmt.Sprintf("+1415555%04d", i)), fmt.Sprintf("m%d", i))
		}
		ctx := context.Background()
		hour := e.clock.Now().Add(time.Hour).UnixMilli()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE outbound_jobs SET next_attempt_at = 1, lease_until = ?
				WHERE id IN (SELECT id FROM outbound_jobs ORDER BY id LIMIT ?)`, hour, leased)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.run(t, testSender(), outbound.Options{})
		e.idle(t) // no time passes: only what is due now may be sent
		if n := len(in.received()); n != free {
			t.Fatalf("the integrator got %d messages, want only the %d unleased", n, free)
		}
	})
}
