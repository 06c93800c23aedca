package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A heartbeat of an agent already online announces nothing and only
// moves their expiry later; the timer, which it no longer wakes, wakes at
// the earlier expiry, finds the agent alive and waits for the later one;
// past it the agent goes offline, and the next heartbeat announces them
// online again.
func TestSteadyHeartbeatMovesTheExpiryAndAnnouncesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, ag := f.agents(1, nil, "desk") // online now, by a first heartbeat; timeout 5 minutes
		a := ag[0]
		f.idle()
		announced := func(after int64) []string {
			t.Helper()
			var out []string
			for _, e := range f.events(after, event.UserPresenceUpdated) {
				var p struct{ Availability, Cause string }
				json.Unmarshal(e.Payload, &p)
				out = append(out, p.Availability+" by "+p.Cause)
			}
			return out
		}
		at := f.events(0)[len(f.events(0))-1].ID

		f.clock.Advance(4 * time.Minute)
		p, err := f.svc.Heartbeat(ctx, f.wsID, a, "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if p.Availability != Online || !p.LastSeenAt.Equal(f.clock.Now()) {
			t.Fatalf("after a steady heartbeat: %+v; want online, seen now", p)
		}
		f.clock.Advance(2 * time.Minute) // past the first expiry, not the second
		f.idle()
		if got := announced(at); len(got) != 0 {
			t.Fatalf("announced %v before the moved expiry; want nothing", got)
		}
		f.clock.Advance(3 * time.Minute) // past the second
		f.idle()
		if got := fmt.Sprint(announced(at)); got != "[offline by inactivity]" {
			t.Fatalf("announced %s past the moved expiry; want [offline by inactivity]", got)
		}
		if _, err := f.svc.Heartbeat(ctx, f.wsID, a, "laptop"); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(announced(at)); got != "[offline by inactivity online by heartbeat]" {
			t.Fatalf("announced %s after coming back; want offline, then online by heartbeat", got)
		}
	})
}

// On PostgreSQL a steady heartbeat runs beside other writes: while
// another node's concurrent writes hold the store's write lock shared, it
// must not wait for them to end (through the exclusive door it would).
func TestSteadyHeartbeatRunsBesideOtherWrites(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	cfg := dbtest.Config(t, db.Postgres)
	f := newFixture(t, dbtest.OpenConfig(t, cfg))
	raw := dbtest.Raw(t, cfg)
	_, ag := f.agents(1, nil, "desk")
	f.idle()

	release := dbtest.HoldConcurrentWrites(t, raw)
	f.clock.Advance(time.Minute)
	err := dbtest.NeverWaits(t, raw, "a steady heartbeat", release, func() error {
		_, err := f.svc.Heartbeat(ctx, f.wsID, ag[0], "laptop")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
