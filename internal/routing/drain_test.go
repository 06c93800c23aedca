package routing

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Queues drain the moment someone qualifies — capacity raised, an agent
// back online — and an agent offline past the grace period hands their
// conversations back to the queue, where an online agent takes them.
func TestQueueDrainsOnEventsAndReassignsAfterGrace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(2, intp(1), "desk")
		a, b := ag[0], ag[1]
		if _, err := f.svc.SetStatus(ctx, f.wsID, b, Busy); err != nil {
			t.Fatal(err)
		}
		c := f.conversations(3)
		route := func(id int64) Result {
			return f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		}
		cursor := func() int64 { e := f.events(0); return e[len(e)-1].ID }
		assignedTo := func(after int64, conv, user int64, what string) {
			t.Helper()
			f.waitFor(after, what, func(e event.Event) bool {
				var p struct {
					AssigneeID int64 `json:"assignee_id"`
				}
				json.Unmarshal(e.Payload, &p)
				return e.ConversationID == conv && p.AssigneeID == user
			}, event.ConversationAssigned)
		}

		if r := route(c[0]); r.UserID != a {
			t.Fatalf("first: %+v", r)
		}
		if r := route(c[1]); !r.Queued {
			t.Fatalf("second should wait (a full, b busy): %+v", r)
		}
		at := cursor()
		if err := f.svc.SetCapacity(ctx, f.wsID, a, intp(2)); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[1], a, "capacity raised to take the queued conversation")

		if r := route(c[2]); !r.Queued {
			t.Fatalf("third should wait: %+v", r)
		}
		at = cursor()
		if _, err := f.svc.SetStatus(ctx, f.wsID, b, Online); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[2], b, "an agent coming online to take the queued conversation")

		// a goes offline; with a grace period of 0 their two conversations
		// return to the queue and b (capacity raised) takes them.
		if err := f.svc.SetCapacity(ctx, f.wsID, b, intp(5)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{ReassignGraceMinutes: intp(0)}); err != nil {
			t.Fatal(err)
		}
		at = cursor()
		if _, err := f.svc.SignOut(ctx, f.wsID, a, "laptop"); err != nil {
			t.Fatal(err)
		}
		assignedTo(at, c[0], b, "reassignment of the offline agent's first conversation")
		assignedTo(at, c[1], b, "reassignment of the offline agent's second conversation")
		if n := f.openCounts()[a]; n != 0 {
			t.Fatalf("the offline agent still holds %d", n)
		}
		var why bool
		for _, e := range f.events(at, event.ConversationUnassigned) {
			why = why || contains(e.Payload, "grace period")
		}
		if !why {
			t.Fatal("the unassignment does not say why")
		}
	})
}
