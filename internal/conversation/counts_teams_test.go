package conversation

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The inbox counts list the teams with a conversation the caller sees
// (plus the caller's own teams), as docs/api.md says: not a team whose
// conversations all left the status counted, nor a team deleted since,
// whose rows of conversation_counts the triggers brought down to zero.
func TestCountsListOnlyTeamsWithConversations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sys := access.System(f.ws.ID)
		ws := workspace.New(d)
		kept, err := ws.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "kept"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := ws.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "gone"})
		if err != nil {
			t.Fatal(err)
		}
		file := func(id, team int64) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := AssignTx(ctx, tx, f.ws.ID, id, AssignInput{TeamID: team})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		open := f.openOne(t, "a").ConversationID
		file(open, kept.ID)
		closed := f.openOne(t, "b").ConversationID
		file(closed, gone.ID)
		if _, err := f.svc.Close(ctx, sys, closed, CloseInput{Source: SourceUser}); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Counts(ctx, sys, StatusOpen)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Teams) != 1 || c.Teams[0] != (TeamCount{TeamID: kept.ID, Count: 1}) {
			t.Errorf("open counts' teams = %+v, want only team %d with 1 (team %d has no open conversation)", c.Teams, kept.ID, gone.ID)
		}
		if err := ws.DeleteTeam(ctx, f.ws.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		c, err = f.svc.Counts(ctx, sys, StatusClosed)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Teams) != 0 || c.All != 1 || c.Unassigned != 1 {
			t.Errorf("closed counts after the team was deleted = %+v, want all 1, unassigned 1 and no team", c)
		}
	})
}
