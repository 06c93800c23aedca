package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Raising the inactivity timeout makes available again an agent announced
// offline for inactivity whose last heartbeat is within the new timeout:
// routing already chooses them (availability is computed from the
// heartbeat), so they are announced online in the settings' transaction,
// and the reassignment their going offline had started is cancelled. It
// used to leave them announced offline, shown offline to everyone while
// routing handed them conversations, and their conversations were taken
// back at the end of the grace period.
func TestRaisedTimeoutAnnouncesAgentsAvailableAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{InactivityTimeoutMinutes: intp(1), ReassignGraceMinutes: intp(2)}); err != nil {
			t.Fatal(err)
		}
		team, ag := f.agents(1, nil, "desk")
		a := ag[0]
		c := f.conversations(1)[0]
		if r := f.assign(Request{ConversationID: c, Target: TargetTeam, TeamID: team}); r.UserID != a {
			t.Fatalf("assign: %+v", r)
		}
		f.idle()
		f.clock.Advance(90 * time.Second) // past the 1-minute timeout
		f.idle()
		if p, _ := f.svc.Presence(ctx, f.wsID, a); p.Availability != Offline {
			t.Fatalf("past the timeout: %+v; want offline", p)
		}
		at := f.events(0)[len(f.events(0))-1].ID

		if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{InactivityTimeoutMinutes: intp(10)}); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range f.events(at, event.UserPresenceUpdated) {
			var p struct{ Availability, Cause string }
			json.Unmarshal(e.Payload, &p)
			got = append(got, p.Availability+" by "+p.Cause)
		}
		if fmt.Sprint(got) != "[online by settings]" {
			t.Errorf("announced %v after the timeout was raised; want [online by settings]", got)
		}
		f.clock.Advance(3 * time.Minute) // past the old grace period, within the new timeout
		f.idle()
		if n := len(f.events(at, event.ConversationUnassigned)); n != 0 || f.assignee(c) != a {
			t.Fatalf("%d unassignments, assignee %d; want the conversation kept by %d, available all along", n, f.assignee(c), a)
		}
	})
}
