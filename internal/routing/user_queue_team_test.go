package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A conversation queued for a named user of a team ("Alice in Sales,
// when she has room") is filed under the team while it waits, and still
// is once Alice takes it: the queue is keyed by the user alone, so the
// team was once dropped on the way.
func TestWaitingForAUserKeepsTheirTeam(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, ag := f.agents(1, intp(1), "sales")
		alice := ag[0]
		c := f.conversations(2)
		if r := f.assign(Request{ConversationID: c[0], Target: TargetUser, UserID: alice}); r.UserID != alice {
			t.Fatalf("first: %+v", r)
		}
		if r := f.assign(Request{ConversationID: c[1], Target: TargetUser, UserID: alice, TeamID: team, Queue: true}); !r.Queued {
			t.Fatalf("second should wait for alice (at capacity): %+v", r)
		}
		teamOf := func(id int64) int64 {
			t.Helper()
			var team int64
			if err := d.Reader().QueryRow(ctx, `SELECT COALESCE(team_id, 0) FROM conversations WHERE id = ?`, id).Scan(&team); err != nil {
				t.Fatal(err)
			}
			return team
		}
		if got := teamOf(c[1]); got != team {
			t.Errorf("while waiting for alice the conversation is filed under team %d; want %d", got, team)
		}
		if _, err := f.conv.Close(ctx, access.System(f.wsID), c[0], conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		f.idle()
		if got := f.assignee(c[1]); got != alice {
			t.Fatalf("after alice's close the waiting conversation is assigned to %d; want %d", got, alice)
		}
		if got := teamOf(c[1]); got != team {
			t.Errorf("assigned to alice, the conversation is filed under team %d; want %d", got, team)
		}
	})
}
