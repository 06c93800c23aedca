package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A request naming another workspace's team is refused with 422 before
// anything is written, whichever way it would have gone: assigned now,
// queued for a user, or (target previous) falling back to the team when
// the contact has no previous assignee — which once filed the
// conversation under the other workspace's team and queued it there.
func TestForeignTeamRefusedBeforeAnyWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, agents := f.agents(2, intp(1), "desk")
		full := agents[1]
		busy := f.conversations(1)
		f.assign(Request{ConversationID: busy[0], Target: TargetUser, UserID: full})

		foreign := f.foreignTeam()

		withPrevious := f.conversations(1)[0]
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET last_assignee_id = ? WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, agents[0], withPrevious)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			conv int64
			req  Request
		}{
			{"user, assigned now", f.conversations(1)[0], Request{Target: TargetUser, UserID: agents[0]}},
			{"user at capacity, queued for them", f.conversations(1)[0], Request{Target: TargetUser, UserID: full, Queue: true}},
			{"previous, none: falls back to the team", f.conversations(1)[0], Request{Target: TargetPrevious}},
			{"previous who qualifies", withPrevious, Request{Target: TargetPrevious}},
			{"team", f.conversations(1)[0], Request{Target: TargetTeam}},
		}
		for _, c := range cases {
			mark := lastEvent(t, f)
			req := c.req
			req.WorkspaceID, req.ConversationID, req.TeamID = f.wsID, c.conv, foreign
			if _, err := f.svc.Assign(ctx, req); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("%s: assign with another workspace's team: %v; want 422", c.name, err)
			}
			var assignee, team, queued int64
			if err := d.Reader().QueryRow(ctx, `SELECT COALESCE(assignee_id, 0), COALESCE(team_id, 0),
				(SELECT COUNT(*) FROM routing_queue WHERE conversation_id = conversations.id) FROM conversations WHERE id = ?`, c.conv).Scan(&assignee, &team, &queued); err != nil {
				t.Fatal(err)
			}
			if assignee != 0 || team != 0 || queued != 0 {
				t.Errorf("%s: after the refusal the conversation has assignee %d, team %d, %d queue rows; want none", c.name, assignee, team, queued)
			}
			for _, e := range f.events(mark) {
				if e.ConversationID == c.conv {
					t.Errorf("%s: event %s written for a refused request", c.name, e.Type)
				}
			}
		}
	})
}

// lastEvent is the id of the workspace's newest event, 0 if none.
func lastEvent(t *testing.T, f *fixture) int64 {
	t.Helper()
	var id int64
	if err := f.d.Reader().QueryRow(context.Background(), `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
