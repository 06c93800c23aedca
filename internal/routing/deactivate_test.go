package routing

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// deactivate deactivates a user as the API does: the workspace change and
// routing's in one transaction.
func (f *fixture) deactivate(userID int64) {
	f.t.Helper()
	if _, err := f.ws.DeactivateUser(context.Background(), f.wsID, userID, f.svc.DeactivatedTx); err != nil {
		f.t.Fatal(err)
	}
}

// Routing never picks a deactivated user: not by strategy, not as the
// previous assignee, not by name (a conflict), even though they are online
// with free capacity.
func TestDeactivatedUserIsNeverChosen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(3, nil, "desk")
		gone := ag[0]
		// Their device keeps beating: only the deactivation keeps them out.
		f.deactivate(gone)
		if _, err := f.svc.Heartbeat(ctx, f.wsID, gone, "laptop"); err != nil {
			t.Fatal(err)
		}
		convs := f.conversations(12)
		for i, c := range convs[:6] {
			target := Request{ConversationID: c, Target: TargetTeam, TeamID: team, NoQueue: true}
			if i%2 == 1 {
				target = Request{ConversationID: c, Target: TargetWorkspace, Strategy: LeastOpen, NoQueue: true}
			}
			r := f.assign(target)
			if !r.Assigned || r.UserID == gone {
				t.Fatalf("conversation %d: %+v; want assigned to an active agent", c, r)
			}
			skipped := false
			for _, cr := range r.Reason.Candidates {
				skipped = skipped || (cr.UserID == gone && cr.Skipped == skipDeactivated)
			}
			if !skipped {
				t.Fatalf("the reason does not say the deactivated user was skipped: %+v", r.Reason)
			}
		}

		for _, req := range []Request{
			{ConversationID: convs[6], Target: TargetUser, UserID: gone},
			{ConversationID: convs[6], Target: TargetUser, UserID: gone, Force: true},
			{ConversationID: convs[6], Target: TargetUser, UserID: gone, Queue: true},
		} {
			req.WorkspaceID = f.wsID
			if _, err := f.svc.Assign(ctx, req); !errors.Is(err, apperr.ErrConflict) {
				t.Fatalf("assign by name %+v = %v; want conflict", req, err)
			}
		}
		if a := f.assignee(convs[6]); a != 0 {
			t.Fatalf("a refused assignment assigned %d", a)
		}

		// The contact's previous assignee is the deactivated user: the
		// team takes over.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET last_assignee_id = ? WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, gone, convs[7])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if r := f.assign(Request{ConversationID: convs[7], Target: TargetPrevious, TeamID: team}); !r.Assigned || r.UserID == gone {
			t.Fatalf("previous assignee deactivated: %+v; want the team to take it", r)
		}
	})
}

// Deactivating an agent takes back their open and snoozed conversations
// as routing does for an agent offline past the grace period: each is
// unassigned (conversation.unassigned says why) and queued for their
// team, where an active agent takes it. A conversation waiting for them
// alone moves to the team's queue. Their presence goes offline, and the
// history of their assignments stays.
func TestDeactivationRoutesTheirConversationsAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(2, nil, "desk")
		a, b := ag[0], ag[1]
		if err := f.svc.SetCapacity(ctx, f.wsID, a, intp(3)); err != nil {
			t.Fatal(err)
		}
		c := f.conversations(4)
		for _, id := range c[:3] {
			if r := f.assign(Request{ConversationID: id, Target: TargetUser, UserID: a, TeamID: team}); r.UserID != a {
				t.Fatalf("assign %d to a: %+v", id, r)
			}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE conversations SET status = 'snoozed', snoozed_until = ? WHERE id = ?`, d.Now()+3_600_000, c[2])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// a is at capacity: the fourth waits for a alone.
		if r := f.assign(Request{ConversationID: c[3], Target: TargetUser, UserID: a, TeamID: team, Queue: true}); !r.Queued {
			t.Fatalf("fourth should wait for a: %+v", r)
		}
		at := f.events(0)
		cursor := at[len(at)-1].ID

		f.deactivate(a)

		for _, id := range c {
			f.waitFor(cursor, "the deactivated agent's conversation taken by b", func(e event.Event) bool {
				var p struct {
					AssigneeID int64 `json:"assignee_id"`
				}
				json.Unmarshal(e.Payload, &p)
				return e.ConversationID == id && p.AssigneeID == b
			}, event.ConversationAssigned)
		}
		unassigned := map[int64]bool{}
		for _, e := range f.events(cursor, event.ConversationUnassigned) {
			var p struct {
				Previous int64  `json:"previous_assignee_id"`
				Reason   string `json:"reason"`
			}
			json.Unmarshal(e.Payload, &p)
			if p.Previous == a && contains(e.Payload, "deactivated") {
				unassigned[e.ConversationID] = true
			}
		}
		if !unassigned[c[0]] || !unassigned[c[1]] || !unassigned[c[2]] {
			t.Fatalf("conversation.unassigned saying why for %v; want %v", unassigned, c[:3])
		}
		offline := false
		for _, e := range f.events(cursor, event.UserPresenceUpdated) {
			offline = offline || (contains(e.Payload, `"availability":"offline"`) && contains(e.Payload, `"cause":"deactivated"`))
		}
		if !offline {
			t.Fatal("no user.presence.updated offline with cause deactivated")
		}
		if n := f.openCounts()[a]; n != 0 {
			t.Fatalf("the deactivated agent still holds %d", n)
		}
		if p, err := f.svc.Presence(ctx, f.wsID, a); err != nil || p.Availability != Offline || p.Devices != 0 {
			t.Fatalf("presence = %+v, %v; want offline without devices", p, err)
		}
		// History stays: the assignments to a are still in the log.
		assignedToA := 0
		for _, e := range f.events(0, event.ConversationAssigned) {
			var p struct {
				AssigneeID int64 `json:"assignee_id"`
			}
			if json.Unmarshal(e.Payload, &p) == nil && p.AssigneeID == a {
				assignedToA++
			}
		}
		if assignedToA < 3 {
			t.Fatalf("%d assignments to the deactivated agent in the log; want their 3", assignedToA)
		}
	})
}

// A conversation whose contact's previous assignee is deactivated never
// waits for them, even when the request says queue: they will never take
// it, so it would wait forever (deactivation moves only the conversations
// already waiting).
func TestPreviousAssigneeDeactivatedIsNotWaitedFor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, ag := f.agents(2, nil, "desk")
		gone := ag[0]
		f.deactivate(gone)
		conv := f.conversations(1)[0]
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET last_assignee_id = ? WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, gone, conv)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := f.assign(Request{ConversationID: conv, Target: TargetPrevious, Queue: true})
		if r.Assigned || r.Queued {
			t.Fatalf("previous assignee deactivated, queue: %+v; want neither assigned nor queued", r)
		}
		if !strings.Contains(r.Reason.Summary, skipDeactivated) {
			t.Errorf("reason %q does not say the previous assignee is deactivated", r.Reason.Summary)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ?`, conv); n != 0 {
			t.Errorf("the conversation waits in %d queue(s) for a deactivated user", n)
		}
	})
}
