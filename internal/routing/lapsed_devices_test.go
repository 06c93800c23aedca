package routing

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A device not seen for the inactivity timeout is not counted as one of
// the user's devices, and is forgotten when the user goes offline: each
// sign-in is a device of its own, so kept for ever they piled up in
// routing_devices, and GET /presence counted the dead ones.
func TestLapsedDevicesAreNotCountedAndAreForgotten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, ag := f.agents(1, nil, "desk") // "laptop" seen now; timeout 5 minutes
		a := ag[0]
		f.clock.Advance(4 * time.Minute)
		if _, err := f.svc.Heartbeat(ctx, f.wsID, a, "phone"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Minute) // the laptop lapsed, the phone lives
		if p, err := f.svc.Presence(ctx, f.wsID, a); err != nil || p.Devices != 1 || p.Availability != Online {
			t.Fatalf("with one device lapsed: %+v, %v; want 1 device, online", p, err)
		}
		f.clock.Advance(4 * time.Minute) // both lapsed
		f.idle()
		if p, err := f.svc.Presence(ctx, f.wsID, a); err != nil || p.Devices != 0 || p.Availability != Offline {
			t.Fatalf("with every device lapsed: %+v, %v; want 0 devices, offline", p, err)
		}
		var rows int
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM routing_devices WHERE user_id = ?`, a).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("routing_devices keeps %d rows of the offline user (%v); want none", rows, err)
		}
	})
}
